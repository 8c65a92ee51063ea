/** DI token of the app's prom-client Registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
/** DI token of the MetricsExposure (from httpConfig.metrics) when the app has configuration. */
export const METRICS_EXPOSURE = Symbol('METRICS_EXPOSURE');
