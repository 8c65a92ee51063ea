import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MongoSensorMetadataStore } from './mongo-sensor-metadata.store';
import { SENSOR_METADATA_MODEL, SensorMetadataSchema } from './sensor-metadata.schema';

/**
 * sensor_metadata; its indexes are built when the module starts (event_history: MongoEventsModule).
 * Needs MongoModule.forRootAsync in the app.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: SENSOR_METADATA_MODEL, schema: SensorMetadataSchema },
    ]),
  ],
  providers: [MongoSensorMetadataStore],
  exports: [MongoSensorMetadataStore],
})
export class MongoMetadataModule {}
