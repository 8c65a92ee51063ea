import { Module } from '@nestjs/common';
import { AGGREGATES_STORE } from '@smartgrid/hybrid-storage';
import { PostgresAggregatesStore } from '@smartgrid/postgres';

/** The aggregates port, bound to its PostgreSQL adapter (kept by triggers, see aggregatesMigrations). */
@Module({
  providers: [{ provide: AGGREGATES_STORE, useClass: PostgresAggregatesStore }],
  exports: [AGGREGATES_STORE],
})
export class AggregatesModule {}
