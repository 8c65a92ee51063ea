import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { SensorMetadataController } from '../registry/device-metadata.controller';
import { GridRegistryModule } from '../registry/grid-registry.module';
import { SensorsRegistryController } from './sensors-registry.controller';
import { SensorsController } from './sensors.controller';

@Module({
  imports: [AggregatesModule, GridRegistryModule],
  controllers: [SensorsRegistryController, SensorMetadataController, SensorsController],
})
export class SensorsModule {}
