import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EventHistoryRepository } from './event-history.repository';
import { EVENT_HISTORY_MODEL, EventHistorySchema } from './event-history.schema';
import { MongoSensorMetadataStore } from './mongo-sensor-metadata.store';
import { SENSOR_METADATA_MODEL, SensorMetadataSchema } from './sensor-metadata.schema';

/**
 * sensor_metadata and event_history; their indexes are built when the module starts.
 * Needs MongoModule.forRootAsync in the app.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: SENSOR_METADATA_MODEL, schema: SensorMetadataSchema },
      { name: EVENT_HISTORY_MODEL, schema: EventHistorySchema },
    ]),
  ],
  providers: [MongoSensorMetadataStore, EventHistoryRepository],
  exports: [MongoSensorMetadataStore, EventHistoryRepository],
})
export class MongoMetadataModule {}
