import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { MetersController } from './meters.controller';

@Module({
  imports: [AggregatesModule],
  controllers: [MetersController],
})
export class MetersModule {}
