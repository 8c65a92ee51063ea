export { METRICS_REGISTRY } from './metrics.constants';
export { MetricsModule, createMetricsRegistry } from './metrics.module';
export { MetricsController } from './metrics.controller';
export { logLevelsFor } from './log-levels';
