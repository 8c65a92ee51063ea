import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser, Role } from '@smartgrid/auth';
import { AlarmsService, EventQueryService } from '@smartgrid/events';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { ApiRoute } from '../common/api-routes.decorators';
import { resolveRange } from '../common/time-range.query';
import { UuidParams } from './alarm-rules.dto';
import { AlarmActionBody, AlarmsQuery, EventsQuery } from './alarms.dto';
import { AlarmActionResponse, AlarmPageResponse, EventPageResponse } from './alarms.responses';
import { EventsAudit } from './events.audit';
import { eventsHttpError } from './events-errors.http';

const DAY = 86_400_000;

type AlarmAction = 'acknowledge' | 'clear';

/** What differs between the two operator actions on an alarm; the rest of their contract is one. */
const ALARM_ACTIONS: Record<AlarmAction, { path: string; conflict: string; done: string; summary: string }> = {
  acknowledge: {
    path: 'ack',
    conflict: 'The alarm is not active',
    done: 'Acknowledged',
    summary: 'Acknowledge an active alarm (with an optional note; audited; an alarm.acknowledged event)',
  },
  clear: {
    path: 'clear',
    conflict: 'The alarm is cleared already',
    done: 'Cleared',
    summary: 'Clear an active or acknowledged alarm (with an optional note; audited; an alarm.cleared event)',
  },
};

/** `POST alarms/:id/<ack|clear>`: operators and up, answers the alarm and its event (200), audited. */
function AlarmActionRoute(action: AlarmAction): MethodDecorator {
  const { path, conflict, done, summary } = ALARM_ACTIONS[action];
  return applyDecorators(
    Post(`alarms/:id/${path}`),
    HttpCode(200),
    ApiRoute(Role.Operator, { summary, ok: AlarmActionResponse }, { 404: 'No such alarm', 409: conflict, 500: `${done}, but its audit event could not be published` }),
  );
}

/**
 * The alarm list (PostgreSQL, falling back to MongoDB's copy), operators' acknowledge and
 * clear (audited), and the event history (Cassandra for one source, MongoDB across sources,
 * each falling back to the other).
 */
@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(400, 401, 503)
@Controller('api')
export class AlarmsController {
  constructor(
    private readonly alarms: AlarmsService,
    private readonly events: EventQueryService,
    private readonly audit: EventsAudit,
  ) {}

  @Get('alarms')
  @ApiRoute(Role.Viewer, { summary: 'Alarms, newest raise first, a page at a time (raisedAt in [from, to))', ok: AlarmPageResponse })
  async list(@Query() q: AlarmsQuery): Promise<AlarmPageResponse> {
    if (q.from !== undefined && q.to !== undefined) resolveRange(q.from, q.to, DAY, 3660 * DAY);
    try {
      return await this.alarms.list({
        limit: q.limit ?? 100,
        ...(q.status ? { status: q.status } : {}),
        ...(q.severity ? { severity: q.severity } : {}),
        ...(q.source_id ? { sourceId: q.source_id } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
    } catch (err) {
      throw eventsHttpError(err);
    }
  }

  @AlarmActionRoute('acknowledge')
  async acknowledge(@Param() p: UuidParams, @Body() body: AlarmActionBody, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<AlarmActionResponse> {
    return this.act('acknowledge', p.id, body, user, meta);
  }

  @AlarmActionRoute('clear')
  async clear(@Param() p: UuidParams, @Body() body: AlarmActionBody, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<AlarmActionResponse> {
    return this.act('clear', p.id, body, user, meta);
  }

  @Get('events')
  @ApiRoute(Role.Viewer, { summary: 'Grid events in [from, to) (default the last 24 h, at most 31 days), newest first; each record names its store', ok: EventPageResponse })
  async history(@Query() q: EventsQuery): Promise<EventPageResponse> {
    const range = resolveRange(q.from, q.to, DAY, 31 * DAY);
    try {
      return await this.events.list({
        ...range,
        limit: q.limit ?? 100,
        ...(q.source_id ? { sourceId: q.source_id } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
    } catch (err) {
      throw eventsHttpError(err);
    }
  }

  private async act(action: AlarmAction, id: string, body: AlarmActionBody, user: AuthPrincipal, meta: RequestMeta): Promise<AlarmActionResponse> {
    let done: AlarmActionResponse;
    try {
      done = action === 'acknowledge' ? await this.alarms.acknowledge(id, user.username, body.note) : await this.alarms.clear(id, user.username, body.note);
    } catch (err) {
      throw eventsHttpError(err, true);
    }
    await this.audit.record(user, meta, `alarm.${action}`, `alarms/${id}`, {
      sourceId: done.alarm.sourceId,
      status: done.alarm.status,
      severity: done.alarm.severity,
      eventId: done.event.eventId,
      ...(body.note !== undefined ? { note: body.note } : {}),
    });
    return done;
  }
}
