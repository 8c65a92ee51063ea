import { ConfigValidationError } from '@smartgrid/config';
import { readIngestSettings } from './ingest.settings';

describe('readIngestSettings', () => {
  it('has safe defaults: consumer on, 64 KiB messages, 3 partitions at a time', () => {
    const s = readIngestSettings({});
    expect(s).toMatchObject({ enabled: true, maxMessageBytes: 65536, partitionsConcurrently: 3 });
  });

  it('names every bad variable', () => {
    try {
      readIngestSettings({ INGEST_PARTITIONS_CONCURRENTLY: '0', INGEST_ENABLED: 'maybe', INGEST_GROUP_ID: 'bad group' });
      throw new Error('expected ConfigValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      expect((e as ConfigValidationError).variables.sort()).toEqual(['INGEST_ENABLED', 'INGEST_GROUP_ID', 'INGEST_PARTITIONS_CONCURRENTLY']);
    }
  });
});
