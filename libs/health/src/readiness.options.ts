import type { InjectionToken } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessRules } from './readiness.rules';

/** What every store lib's health indicator offers (a real probe under a timeout). */
export interface HealthProbe {
  isHealthy(key: string): Promise<HealthIndicatorResult>;
}

export interface ReadinessProbeOption {
  /** Key in the health body: `postgres`, `cassandra`, `mongodb`, `kafka`. */
  name: string;
  /** Token of the indicator (exported by the store's global module). */
  indicator: InjectionToken;
}

export interface HealthModuleOptions extends ReadinessRules {
  probes: ReadinessProbeOption[];
}

export interface Readiness {
  probes: { name: string; indicator: HealthProbe }[];
  rules: ReadinessRules;
}

export const READINESS = Symbol('READINESS');
