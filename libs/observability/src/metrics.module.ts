import { DynamicModule, Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { httpConfig } from '@smartgrid/config';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRICS_EXPOSURE, METRICS_REGISTRY } from './metrics.constants';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics.server';

/**
 * One Registry per application instance (not prom-client's global one), so several apps
 * booted in one process — as e2e tests do — never register the same metric twice.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

const registryProvider = { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry };

/**
 * The app's Registry and `GET /metrics`. Import as `MetricsModule` (no configuration: served
 * on the app's port to this machine only) or `MetricsModule.forRoot()` in an app with
 * SmartgridConfigModule (METRICS_PORT / METRICS_HOST / METRICS_TOKEN from httpConfig).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [registryProvider],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {
  static forRoot(): DynamicModule {
    // Adds to the @Module metadata above (Nest merges a dynamic module into its static one).
    return {
      module: MetricsModule,
      global: true,
      providers: [
        { provide: METRICS_EXPOSURE, inject: [httpConfig.KEY], useFactory: (cfg: ConfigType<typeof httpConfig>) => cfg.metrics },
        MetricsServer,
      ],
      exports: [MetricsServer],
    };
  }
}
