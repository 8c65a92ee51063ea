import { Controller, ForbiddenException, Get, Header, HttpException, Inject, NotFoundException, Optional, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Registry } from 'prom-client';
import { metricsAccess, MetricsExposure } from './metrics-access.policy';
import { METRICS_EXPOSURE, METRICS_REGISTRY } from './metrics.constants';

function refusal(status: 401 | 403 | 404, message: string): HttpException {
  if (status === 401) return new UnauthorizedException(message);
  if (status === 403) return new ForbiddenException(message);
  return new NotFoundException(message);
}

@ApiTags('observability')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    // Absent when the app has no configuration (unit specs): loopback-only, as by default.
    @Optional() @Inject(METRICS_EXPOSURE) private readonly exposure: MetricsExposure = {},
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); see the README for METRICS_PORT / METRICS_TOKEN' })
  @ApiOkResponse({ description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const decision = metricsAccess(req, this.exposure, true);
    if (!decision.allow) {
      if (decision.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw refusal(decision.status, decision.message);
    }
    const body = await this.registry.metrics();
    // Set by hand: Nest would otherwise send text/html for a string body.
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(body);
  }
}
