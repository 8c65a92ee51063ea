export { HealthModule } from './health.module';
export { HealthController } from './health.controller';
export type { HealthModuleOptions, HealthProbe, ReadinessProbeOption } from './readiness.options';
export { applyReadinessRules } from './readiness.rules';
export type { ProbeResult, ReadinessRules } from './readiness.rules';
export { HealthIndicatorView, HealthLiveResponse, HealthReadyResponse } from './health.responses';
export { StoreHealthIndicator } from './store-health.indicator';
export type { ProbeDetails } from './store-health.indicator';
