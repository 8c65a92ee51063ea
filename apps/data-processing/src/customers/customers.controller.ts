import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AGGREGATES_STORE, AggregatesStore } from '@smartgrid/hybrid-storage';
import { ViewerController } from '../common/api-routes.decorators';
import { ConsumptionQuery, IdParams } from '../common/query.dto';
import { DAY, resolveRange, utcDay, utcDayEndExclusive } from '../common/time-range.query';
import { ConsumptionResponse } from './customers.responses';

export const MAX_DAILY_CONSUMPTION_SPAN_MS = 366 * DAY;
export const MAX_MONTHLY_CONSUMPTION_SPAN_MS = 3660 * DAY;

@ViewerController('customers')
export class CustomersController {
  constructor(@Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore) {}

  /**
   * Energy used by all of a customer's meters per UTC day or month, derived from their
   * cumulative registers (see consumption_aggregates). The range covers every UTC day that
   * [from, to) touches.
   */
  @Get(':id/consumption')
  @ApiOperation({ summary: 'Energy consumption (kWh) of a customer per UTC day or month (default: last 30 days)' })
  @ApiOkResponse({ type: ConsumptionResponse })
  async consumption(@Param() p: IdParams, @Query() q: ConsumptionQuery): Promise<ConsumptionResponse> {
    const interval = q.interval ?? 'day';
    const range =
      interval === 'day'
        ? resolveRange(q.from, q.to, 30 * DAY, MAX_DAILY_CONSUMPTION_SPAN_MS)
        : resolveRange(q.from, q.to, 365 * DAY, MAX_MONTHLY_CONSUMPTION_SPAN_MS);
    const fromDay = utcDay(range.from);
    const toDay = utcDayEndExclusive(range.to);
    const periods = await this.aggregates.customerConsumption(p.id, interval, fromDay, toDay);
    const totalKwh = periods.reduce((s, x) => s + x.consumptionKwh, 0);
    return { customerId: p.id, interval, fromDay, toDay, totalKwh, periods };
  }
}
