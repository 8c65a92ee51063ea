import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { HybridStorageService } from '@smartgrid/hybrid-storage';
import { IdParams, ReadingsQuery } from '../common/query.dto';
import { toHttpError } from '../common/storage-http-errors';
import { DAY, resolveRange } from '../common/time-range';
import { MAX_READINGS_SPAN_MS } from '../sensors/sensors.controller';
import { MeterReadingsResponse } from './meters.responses';

@ApiTags('meters')
@ApiBearerAuth()
@ApiErrors(400, 401, { 403: 'Role below viewer' })
@Roles(Role.Viewer)
@Controller('api/meters')
export class MetersController {
  constructor(private readonly storage: HybridStorageService) {}

  @Get(':id/readings')
  @ApiOperation({ summary: 'Register readings of a meter in [from, to), newest first (default: last 24 h, at most 31 days)' })
  @ApiOkResponse({ type: MeterReadingsResponse })
  @ApiErrors(503)
  async readings(@Param() p: IdParams, @Query() q: ReadingsQuery): Promise<MeterReadingsResponse> {
    const range = resolveRange(q.from, q.to, DAY, MAX_READINGS_SPAN_MS);
    try {
      const r = await this.storage.getMeterReadings(p.id, { ...range, source: q.source ?? 'auto', limit: q.limit ?? 1000 });
      return {
        meterId: p.id,
        from: range.from,
        to: range.to,
        source: r.source,
        failed: r.failed,
        count: r.records.length,
        readings: r.records.map((x) => ({
          timestamp: x.timestamp,
          energyKwh: x.energyKwh,
          ...(x.powerKw !== undefined ? { powerKw: x.powerKw } : {}),
          ...(x.voltage !== undefined ? { voltage: x.voltage } : {}),
          customerId: x.customerId,
          source: x.source,
        })),
      };
    } catch (err) {
      throw toHttpError(err);
    }
  }
}
