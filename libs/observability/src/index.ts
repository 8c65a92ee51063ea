export { METRICS_EXPOSURE, METRICS_REGISTRY } from './metrics.constants';
export { MetricsModule, createMetricsRegistry } from './metrics.module';
export { MetricsController } from './metrics.controller';
export { MetricsServer } from './metrics.server';
export { metricsAccess } from './metrics-access.policy';
export type { MetricsDecision, MetricsExposure } from './metrics-access.policy';
export { logLevelsFor } from './log-levels.config';
