import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { MeterMetadataController } from '../registry/device-metadata.controller';
import { GridRegistryModule } from '../registry/grid-registry.module';
import { MetersRegistryController } from './meters-registry.controller';
import { MetersController } from './meters.controller';

@Module({
  imports: [GridRegistryModule, AggregatesModule],
  controllers: [MetersRegistryController, MeterMetadataController, MetersController],
})
export class MetersModule {}
