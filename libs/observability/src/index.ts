export { METRICS_EXPOSURE, METRICS_REGISTRY } from './metrics.constants';
export { MetricsModule, createMetricsRegistry } from './metrics.module';
export { MetricsController } from './metrics.controller';
export { MetricsServer } from './metrics.server';
export { metricsAccess } from './metrics-access';
export type { MetricsDecision, MetricsExposure } from './metrics-access';
export { logLevelsFor } from './log-levels';
