import { Schema } from 'mongoose';
import { AuditDocumentSchema, AUDIT_COLLECTION } from './audit/audit.schema';
import { EVENT_HISTORY_COLLECTION, EventHistorySchema } from './events/event-history.schema';
import { keyedDocumentSchema } from './keyed-document.schema';
import { SENSOR_METADATA_COLLECTION, SensorMetadataSchema } from './metadata/sensor-metadata.schema';
import { DEVICE_METADATA_COLLECTION, DeviceMetadataSchema } from './registry/device-metadata.schema';

function expectKeyedBy(schema: Schema, collection: string): void {
  expect(schema.get('collection')).toBe(collection);
  expect(schema.get('versionKey')).toBe(false);
  expect(schema.get('minimize')).toBe(false);
  expect(schema.get('strict')).toBe(true);
  const id = schema.path('_id');
  expect(id.instance).toBe('String');
  expect(id.isRequired).toBe(true);
}

describe('keyedDocumentSchema', () => {
  it('keys documents by a required string _id, without version key, keeping empty objects, strict', () => {
    const schema = keyedDocumentSchema<{ _id: string; metadata: Record<string, unknown> }>('things', {
      metadata: { type: Schema.Types.Mixed, default: {} },
    });
    expectKeyedBy(schema, 'things');
    expect(Object.keys(schema.paths).sort()).toEqual(['_id', 'metadata']);
  });

  it.each([
    ['audit_log', AuditDocumentSchema, AUDIT_COLLECTION],
    ['event_history', EventHistorySchema, EVENT_HISTORY_COLLECTION],
    ['sensor_metadata', SensorMetadataSchema, SENSOR_METADATA_COLLECTION],
    ['device_metadata', DeviceMetadataSchema, DEVICE_METADATA_COLLECTION],
  ])('serves the %s collection', (name, schema, collection) => {
    expect(collection).toBe(name);
    expectKeyedBy(schema as Schema, collection);
  });
});
