import { DynamicModule, InjectionToken, Module, ModuleMetadata, Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appFlags, retentionConfig } from '@smartgrid/config';
import { BacklogReplayer } from './backlog/backlog-replayer.service';
import { BacklogService } from './backlog/backlog.service';
import { StoreHealth } from './health/store.health';
import { HybridStorageService } from './hybrid-storage.service';
import { HYBRID_STORAGE_SETTINGS, HybridStorageSettingsOverrides, resolveSettings } from './hybrid-storage.settings';
import { BACKLOG_STORES } from './ports/backlog-store.port';
import { SENSOR_METADATA_STORE } from './ports/sensor-metadata-store.port';
import { TIME_SERIES_STORES } from './ports/time-series-store.port';
import { QUARANTINE_STORES } from './ports/quarantine-store.port';
import { QuarantineService } from './quarantine/quarantine.service';
import { HybridReader } from './reads/hybrid-reader.service';
import { StorageSyncService } from './sync/storage-sync.service';
import { HybridWriter } from './writes/hybrid-writer.service';

export interface HybridStorageModuleOptions {
  /** Modules that provide the adapters named below (e.g. PostgresTimeseriesModule). */
  imports?: ModuleMetadata['imports'];
  /** Tokens of the TimeSeriesStore adapters to use. */
  stores: InjectionToken[];
  /** Tokens of the BacklogStore adapters (each holds the backlog of the other stores). */
  backlogs: InjectionToken[];
  /** Tokens of the QuarantineStore adapters (each holds rows the other stores refused). */
  quarantines: InjectionToken[];
  /** Token of a SensorMetadataStore adapter; sensor descriptions are recorded there when set. */
  sensorMetadata?: InjectionToken;
  /** Fixed settings; the default write target otherwise follows USE_CASSANDRA. */
  settings?: HybridStorageSettingsOverrides;
}

const services = [StoreHealth, BacklogService, QuarantineService, BacklogReplayer, HybridWriter, HybridReader, HybridStorageService, StorageSyncService];

/**
 * HybridStorageService and its helpers, bound to the adapters the app chooses. This lib knows
 * only the ports; the store libs provide the adapters.
 */
@Module({})
export class HybridStorageModule {
  static forRootAsync(options: HybridStorageModuleOptions): DynamicModule {
    const ports: Provider[] = [
      { provide: TIME_SERIES_STORES, useFactory: (...stores: unknown[]) => stores, inject: options.stores },
      { provide: BACKLOG_STORES, useFactory: (...backlogs: unknown[]) => backlogs, inject: options.backlogs },
      { provide: QUARANTINE_STORES, useFactory: (...quarantines: unknown[]) => quarantines, inject: options.quarantines },
      options.sensorMetadata
        ? { provide: SENSOR_METADATA_STORE, useExisting: options.sensorMetadata }
        : { provide: SENSOR_METADATA_STORE, useValue: null },
      {
        provide: HYBRID_STORAGE_SETTINGS,
        inject: [
          { token: appFlags.KEY, optional: true },
          { token: retentionConfig.KEY, optional: true },
        ],
        useFactory: (flags?: ConfigType<typeof appFlags>, retention?: ConfigType<typeof retentionConfig>) =>
          resolveSettings(flags?.useCassandra, options.settings, retention),
      },
    ];
    return {
      module: HybridStorageModule,
      global: true,
      imports: options.imports ?? [],
      providers: [...ports, ...services],
      exports: [...services, TIME_SERIES_STORES, BACKLOG_STORES, QUARANTINE_STORES, HYBRID_STORAGE_SETTINGS],
    };
  }
}
