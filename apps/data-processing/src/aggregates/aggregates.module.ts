import { Module } from '@nestjs/common';
import { AggregatesRepository } from '@smartgrid/postgres';

/** Reads of the aggregate tables (kept by PostgreSQL triggers, see aggregatesMigrations). */
@Module({
  providers: [AggregatesRepository],
  exports: [AggregatesRepository],
})
export class AggregatesModule {}
