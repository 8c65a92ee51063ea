import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { HealthLiveResponse, HealthReadyResponse } from './health.responses';
import { applyReadinessRules, ProbeResult } from './readiness.rules';
import { READINESS, Readiness } from './readiness.options';

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` ("this instance can serve
 * and durably accept work"): every probe runs, the app's readiness rules decide which failures
 * only degrade the instance (200, status `degraded`, the down probes named) and which make it
 * unable to serve (503).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness probe (process only; no store is consulted)' })
  @ApiOkResponse({ type: HealthLiveResponse, description: 'The process is running' })
  live(): HealthLiveResponse {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false }) // documented below with named schemas
  @ApiOperation({
    summary: 'Readiness probe: 200 ok, 200 degraded (a store the instance can do without is down, named), 503 when it cannot serve',
  })
  @ApiOkResponse({ type: HealthReadyResponse, description: 'Ready: ok, or degraded naming the stores it does without' })
  @ApiServiceUnavailableResponse({ type: HealthReadyResponse, description: 'Not ready; `error` names the stores it cannot serve without' })
  async ready() {
    const settled = await Promise.all(
      this.readiness.probes.map(async (p): Promise<[string, ProbeResult]> => {
        try {
          const result = await p.indicator.isHealthy(p.name);
          return [p.name, result[p.name] ?? { status: 'down', message: 'probe returned no result' }];
        } catch (err) {
          return [p.name, { status: 'down', message: err instanceof Error ? err.message : String(err) }];
        }
      }),
    );
    const judged = applyReadinessRules(Object.fromEntries(settled), this.readiness.rules);
    return this.health.check(Object.entries(judged).map(([name, r]) => (): HealthIndicatorResult => ({ [name]: r })));
  }
}
