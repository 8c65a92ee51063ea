import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { CustomersController } from './customers.controller';

@Module({ imports: [AggregatesModule], controllers: [CustomersController] })
export class CustomersModule {}
