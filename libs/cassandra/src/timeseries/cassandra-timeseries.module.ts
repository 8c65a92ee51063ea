import { DynamicModule, Module } from '@nestjs/common';
import { CassandraBacklogStore } from './cassandra-backlog.store';
import { CassandraQuarantineStore } from './cassandra-quarantine.store';
import { CASSANDRA_TIMESERIES_OPTIONS, CassandraTimeseriesOptions } from './cassandra-timeseries.options';
import { CassandraTimeseriesRetention } from './cassandra-timeseries.retention';
import { CassandraTimeSeriesStore } from './cassandra-timeseries.store';

const providers = [CassandraTimeSeriesStore, CassandraBacklogStore, CassandraQuarantineStore, CassandraTimeseriesRetention];
const exported = [CassandraTimeSeriesStore, CassandraBacklogStore, CassandraQuarantineStore];

/**
 * Cassandra adapters for HybridStorageModule. Needs CassandraModule (global CASSANDRA_CLIENT)
 * with `timeseriesCqlMigrations` applied.
 */
@Module({ providers, exports: exported })
export class CassandraTimeseriesModule {
  static register(options: CassandraTimeseriesOptions = {}): DynamicModule {
    return {
      module: CassandraTimeseriesModule,
      providers: [{ provide: CASSANDRA_TIMESERIES_OPTIONS, useValue: options }, ...providers],
      exports: exported,
    };
  }
}
