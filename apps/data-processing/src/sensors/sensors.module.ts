import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { SensorsController } from './sensors.controller';

@Module({
  imports: [AggregatesModule],
  controllers: [SensorsController],
})
export class SensorsModule {}
