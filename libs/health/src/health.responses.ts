import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';

// OpenAPI schemas of the probes HealthController serves (terminus' report for readiness).

@ApiSchema({ name: 'HealthLive', description: 'The process is up; no store was consulted' })
export class HealthLiveResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ description: 'Seconds since the process started' }) uptimeSeconds!: number;
}

@ApiSchema({ name: 'HealthIndicator', description: 'One dependency as its probe saw it; probes may add fields' })
export class HealthIndicatorView {
  @ApiProperty({ enum: ['up', 'degraded', 'down'], description: 'degraded: down, but the instance can serve without it' }) status!: 'up' | 'degraded' | 'down';
  @ApiPropertyOptional({ description: 'Probe round trip, ms' }) responseTime?: number;
  @ApiPropertyOptional({ description: 'Why the dependency is down' }) message?: string;
  @ApiPropertyOptional({ type: [String], description: 'degraded: the dependencies carrying the load instead' }) fallback?: string[];
  @ApiPropertyOptional({ description: 'degraded: the instance does not need this dependency at all' }) optional?: boolean;
}

const indicators = { type: 'object', additionalProperties: { $ref: getSchemaPath(HealthIndicatorView) } } as const;

@ApiSchema({ name: 'HealthReady', description: 'Readiness: each dependency by name (200 ok or degraded when the instance can serve, 503 when it cannot)' })
@ApiExtraModels(HealthIndicatorView)
export class HealthReadyResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ ...indicators, description: 'Dependencies that are up or degraded' }) info?: Record<string, HealthIndicatorView>;
  @ApiPropertyOptional({ ...indicators, description: 'Dependencies the instance cannot serve without that are down' }) error?: Record<string, HealthIndicatorView>;
  @ApiProperty({ ...indicators, description: 'Every dependency' }) details!: Record<string, HealthIndicatorView>;
}
