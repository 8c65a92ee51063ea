import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { MongoRegistryModule } from '@smartgrid/mongo';
import { PostgresRegistryModule } from '@smartgrid/postgres';
import { REGISTRY_EVENT_SINK, RegistryModule } from '@smartgrid/registry';
import { json } from 'express';
import { MERGE_PATCH_TYPE } from './device-metadata.controller';
import { GridEventsSink } from './grid-events.sink';
import { RegistryAudit } from './registry.audit';
import { DEFAULT_REGISTRY_SYNC, REGISTRY_SYNC_SETTINGS, RegistrySyncService } from './registry-sync.service';
import { RegistryMetrics } from './registry.metrics';

/**
 * The grid registry in data-processing: its services on the PostgreSQL and MongoDB adapters,
 * the audit of every change, and the background sync (reported metadata into MongoDB, customer
 * mismatches into metrics and grid events). Needs the global PostgresModule, MongoModule,
 * KafkaModule and MetricsModule. The customers, meters and sensors feature modules import it
 * for their registry controllers.
 */
@Module({
  imports: [RegistryModule.forRoot({ imports: [PostgresRegistryModule, MongoRegistryModule] })],
  providers: [
    RegistryAudit,
    RegistryMetrics,
    RegistrySyncService,
    { provide: REGISTRY_EVENT_SINK, useClass: GridEventsSink },
    { provide: REGISTRY_SYNC_SETTINGS, useValue: DEFAULT_REGISTRY_SYNC },
  ],
  exports: [RegistryModule, RegistryAudit, RegistrySyncService],
})
export class GridRegistryModule implements NestModule {
  /** JSON merge patches come as application/merge-patch+json (RFC 7396), which the app-wide JSON parser leaves alone. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(json({ type: MERGE_PATCH_TYPE, limit: '64kb' }))
      .forRoutes({ path: 'api/sensors/:id/metadata', method: RequestMethod.PATCH }, { path: 'api/meters/:id/metadata', method: RequestMethod.PATCH });
  }
}
