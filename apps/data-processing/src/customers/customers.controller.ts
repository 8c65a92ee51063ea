import { Get, Inject, Param, Query } from '@nestjs/common';
import { AGGREGATES_STORE, AggregatesStore } from '@smartgrid/hybrid-storage';
import { ApiAnswer, ViewerController } from '../common/api-routes.decorators';
import { ConsumptionQuery, IdParams } from '../common/query.dto';
import { DAY, resolveIntervalRange, SpanLimits, utcDay, utcDayEndExclusive } from '../common/time-range.query';
import { ConsumptionResponse } from './customers.responses';

export const MAX_DAILY_CONSUMPTION_SPAN_MS = 366 * DAY;
export const MAX_MONTHLY_CONSUMPTION_SPAN_MS = 3660 * DAY;
const CONSUMPTION_SPANS: Record<'day' | 'month', SpanLimits> = {
  day: { defaultMs: 30 * DAY, maxMs: MAX_DAILY_CONSUMPTION_SPAN_MS },
  month: { defaultMs: 365 * DAY, maxMs: MAX_MONTHLY_CONSUMPTION_SPAN_MS },
};

@ViewerController('customers')
export class CustomersController {
  constructor(@Inject(AGGREGATES_STORE) private readonly aggregates: AggregatesStore) {}

  /**
   * Energy used by all of a customer's meters per UTC day or month, derived from their
   * cumulative registers (see consumption_aggregates). The range covers every UTC day that
   * [from, to) touches.
   */
  @Get(':id/consumption')
  @ApiAnswer({ summary: 'Energy consumption (kWh) of a customer per UTC day or month (default: last 30 days)', ok: ConsumptionResponse })
  async consumption(@Param() p: IdParams, @Query() q: ConsumptionQuery): Promise<ConsumptionResponse> {
    const interval = q.interval ?? 'day';
    const range = resolveIntervalRange(q, interval, CONSUMPTION_SPANS);
    const fromDay = utcDay(range.from);
    const toDay = utcDayEndExclusive(range.to);
    const periods = await this.aggregates.customerConsumption(p.id, interval, fromDay, toDay);
    const totalKwh = periods.reduce((s, x) => s + x.consumptionKwh, 0);
    return { customerId: p.id, interval, fromDay, toDay, totalKwh, periods };
  }
}
