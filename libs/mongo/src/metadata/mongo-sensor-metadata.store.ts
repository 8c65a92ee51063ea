import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { SensorMetadata, SensorMetadataStore } from '@smartgrid/hybrid-storage';
import { Model } from 'mongoose';
import { SENSOR_METADATA_MODEL, SensorMetadataDocument } from './sensor-metadata.schema';

/**
 * SensorMetadataStore over MongoDB (`sensor_metadata`). One bulk upsert per call; the
 * description sent last replaces the stored one (HybridStorageService sends only new or
 * changed descriptions, the latest per sensor in each batch).
 */
@Injectable()
export class MongoSensorMetadataStore implements SensorMetadataStore, OnModuleInit {
  constructor(@InjectModel(SENSOR_METADATA_MODEL) private readonly model: Model<SensorMetadataDocument>) {}

  async onModuleInit(): Promise<void> {
    await this.ensureIndexes();
  }

  async upsertSensorMetadata(items: readonly SensorMetadata[]): Promise<void> {
    if (items.length === 0) return;
    const now = new Date();
    await this.model.bulkWrite(
      items.map((m) => ({
        updateOne: {
          filter: { _id: m.sensorId },
          update: {
            $set: {
              sensorType: m.sensorType,
              unit: m.unit ?? null,
              location: m.location ? { type: 'Point', coordinates: [m.location.lon, m.location.lat] } : null,
              metadata: m.metadata ?? {},
              observedAt: m.observedAt,
              updatedAt: now,
            },
            $setOnInsert: { firstSeenAt: now },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async getSensorMetadata(sensorId: string): Promise<SensorMetadata | null> {
    const d = await this.model.findById(sensorId).lean<SensorMetadataDocument>().exec();
    if (!d) return null;
    const out: SensorMetadata = { sensorId: d._id, sensorType: d.sensorType, observedAt: d.observedAt, metadata: d.metadata };
    if (d.unit !== null) out.unit = d.unit;
    if (d.location) out.location = { lon: d.location.coordinates[0], lat: d.location.coordinates[1] };
    return out;
  }

  async listByType(sensorType: string, limit = 100): Promise<SensorMetadataDocument[]> {
    return this.model.find({ sensorType }).sort({ updatedAt: -1 }).limit(limit).lean<SensorMetadataDocument[]>().exec();
  }

  /** Creates the collection and the indexes declared on the schema (idempotent). */
  async ensureIndexes(): Promise<void> {
    await this.model.createCollection().catch(() => undefined); // exists already
    await this.model.createIndexes();
  }
}
