import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser, Role } from '@smartgrid/auth';
import { AlarmRule, AlarmRulesService, RuleDefinition } from '@smartgrid/events';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { ApiRoute } from '../common/api-routes.decorators';
import { CreateAlarmRuleBody, PatchAlarmRuleBody, UuidParams } from './alarm-rules.dto';
import { AlarmRuleListResponse, AlarmRuleView } from './alarm-rules.responses';
import { EventsAudit } from './events.audit';
import { eventsHttpError } from './events-errors.http';

/** Alarm rules (PostgreSQL): read by viewers, managed by operators; changes audited. */
@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(400, 401, 503)
@Controller('api/alarm-rules')
export class AlarmRulesController {
  constructor(
    private readonly rules: AlarmRulesService,
    private readonly audit: EventsAudit,
  ) {}

  @Get()
  @ApiRoute(Role.Viewer, { summary: 'Every alarm rule, the built-in EN 50160 ones included (shipped disabled)', ok: AlarmRuleListResponse })
  async list(): Promise<AlarmRuleListResponse> {
    try {
      return { rules: await this.rules.list() };
    } catch (err) {
      throw eventsHttpError(err, true);
    }
  }

  @Post()
  @ApiRoute(
    Role.Operator,
    { summary: 'Create a rule: selector, raise condition with minimum duration, clear condition (hysteresis), severity', created: AlarmRuleView },
    { 500: 'Created, but its audit event could not be published' },
  )
  async create(@Body() body: CreateAlarmRuleBody, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<AlarmRuleView> {
    const def: RuleDefinition = {
      name: body.name,
      description: body.description ?? null,
      enabled: body.enabled ?? true,
      selector: body.selector,
      condition: body.condition,
      clear: body.clear ?? { minDurationSeconds: 0 },
      severity: body.severity,
    };
    let rule: AlarmRule;
    try {
      rule = await this.rules.create(def, user.username);
    } catch (err) {
      throw eventsHttpError(err, true);
    }
    await this.audit.record(user, meta, 'alarm_rule.create', `alarm-rules/${rule.id}`, { rule: definitionOf(rule) });
    return rule;
  }

  @Patch(':id')
  @ApiRoute(
    Role.Operator,
    { summary: 'Change a rule (top-level fields replace the rule’s); a change of what it judges applies to readings from now on', ok: AlarmRuleView },
    { 404: 'No such rule', 500: 'Changed, but its audit event could not be published' },
  )
  async update(@Param() p: UuidParams, @Body() body: PatchAlarmRuleBody, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<AlarmRuleView> {
    let r: { before: AlarmRule; after: AlarmRule };
    try {
      r = await this.rules.update(p.id, body, user.username);
    } catch (err) {
      throw eventsHttpError(err, true);
    }
    await this.audit.record(user, meta, 'alarm_rule.update', `alarm-rules/${p.id}`, { before: definitionOf(r.before), after: definitionOf(r.after) });
    return r.after;
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiRoute(
    Role.Operator,
    { summary: 'Delete a rule (its open alarms are cleared by the watcher; past alarms keep its name)', ok: AlarmRuleView },
    { 404: 'No such rule', 500: 'Deleted, but its audit event could not be published' },
  )
  async remove(@Param() p: UuidParams, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<AlarmRuleView> {
    let rule: AlarmRule;
    try {
      rule = await this.rules.remove(p.id);
    } catch (err) {
      throw eventsHttpError(err, true);
    }
    await this.audit.record(user, meta, 'alarm_rule.delete', `alarm-rules/${p.id}`, { rule: definitionOf(rule) });
    return rule;
  }
}

function definitionOf(r: AlarmRule): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({ name: r.name, enabled: r.enabled, selector: r.selector, condition: r.condition, clear: r.clear, severity: r.severity, version: r.version }),
  ) as Record<string, unknown>;
}
