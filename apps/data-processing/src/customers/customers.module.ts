import { Module } from '@nestjs/common';
import { AggregatesModule } from '../aggregates/aggregates.module';
import { GridRegistryModule } from '../registry/grid-registry.module';
import { CustomersRegistryController } from './customers-registry.controller';
import { CustomersController } from './customers.controller';

@Module({ imports: [AggregatesModule, GridRegistryModule], controllers: [CustomersRegistryController, CustomersController] })
export class CustomersModule {}
