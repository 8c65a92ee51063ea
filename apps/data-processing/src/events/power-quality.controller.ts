import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from '@smartgrid/auth';
import { PowerQualityService } from '@smartgrid/events';
import { ApiErrors } from '@smartgrid/http';
import { ApiRoute } from '../common/api-routes.decorators';
import { IdParams } from '../common/query.dto';
import { eventsHttpError } from './events-errors.http';
import { PowerQualityQuery } from './power-quality.dto';
import { PowerQualityResponse } from './power-quality.responses';

/** EN 50160 supply-quality reports of voltage and frequency sensors, from the stored series. */
@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(400, 401, 503)
@Controller('api/sensors')
export class PowerQualityController {
  constructor(private readonly quality: PowerQualityService) {}

  @Get(':id/power-quality')
  @ApiRoute(
    Role.Viewer,
    {
      summary:
        'EN 50160 report for a week (?week=2026-W47) or a year (?year=2026): shares of the 10-minute voltage (10-second frequency) means within the limits, intervals without data, verdict',
      ok: PowerQualityResponse,
    },
    { 404: 'No such sensor' },
  )
  async report(@Param() p: IdParams, @Query() q: PowerQualityQuery): Promise<PowerQualityResponse> {
    try {
      return await this.quality.report(p.id, { ...(q.week !== undefined ? { week: q.week } : {}), ...(q.year !== undefined ? { year: q.year } : {}) });
    } catch (err) {
      throw eventsHttpError(err);
    }
  }
}
