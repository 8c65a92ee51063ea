import { Controller, Get, HttpCode, InternalServerErrorException, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser, Role } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { BacklogReplayer, messageOf, StorageSyncService } from '@smartgrid/hybrid-storage';
import { AuditEventsPublisher } from '@smartgrid/kafka';
import { ApiRoute } from '../common/api-routes.decorators';
import { ReconcileQuery } from '../common/query.dto';
import { toHttpError } from '../common/storage-errors.http';
import { DAY, resolveRange } from '../common/time-range.query';
import { StorageStatusService } from './storage-status.service';
import { ReconcileResponse, ReplayReportResponse, StorageStatusResponse } from './storage.responses';

/** Reconcile reads both stores day by day: keep one request bounded. */
export const MAX_RECONCILE_SPAN_MS = 7 * DAY;
/** Units listed in a reconcile answer; totals always cover all of them. */
const MAX_LISTED_UNITS = 200;

@ApiTags('storage')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/storage')
export class StorageController {
  constructor(
    private readonly status: StorageStatusService,
    private readonly replayer: BacklogReplayer,
    private readonly sync: StorageSyncService,
    private readonly audit: AuditEventsPublisher,
  ) {}

  @Get('status')
  @ApiRoute(Role.Viewer, { summary: 'Per-store health, replication backlog depth, dead-letter counts and ingest lag', ok: StorageStatusResponse })
  getStatus(): Promise<StorageStatusResponse> {
    return this.status.status();
  }

  @Post('replay')
  @HttpCode(200)
  @ApiRoute(
    Role.Operator,
    { summary: 'Drain the replication backlog now (joins a pass already running; audited)', ok: ReplayReportResponse },
    { 500: 'The replay ran, but its audit event could not be published' },
  )
  async replay(@CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<ReplayReportResponse> {
    const report = await this.replayer.drainNow();
    try {
      await this.audit.publish({
        actor: user.username,
        action: 'storage.replay',
        resource: 'storage/backlog',
        metadata: { targets: report.targets.map((t) => ({ ...t })), requestId: meta.requestId, clientAddress: meta.clientAddress },
      });
    } catch (err) {
      throw new InternalServerErrorException(`the replay ran, but its audit event could not be published: ${messageOf(err)}`);
    }
    return report;
  }

  @Get('reconcile')
  @ApiRoute(
    Role.Operator,
    { summary: 'Compare PostgreSQL and Cassandra series by series and UTC day in [from, to) (read-only; at most 7 days)', ok: ReconcileResponse },
    400,
    503,
  )
  async reconcile(@Query() q: ReconcileQuery): Promise<ReconcileResponse> {
    const range = resolveRange(q.from, q.to, DAY, MAX_RECONCILE_SPAN_MS);
    try {
      const report = await this.sync.reconcile({ ...range, repair: false });
      const outOfSync = report.units.filter((u) => !u.inSync);
      return {
        from: report.from,
        to: report.to,
        totals: report.totals,
        outOfSync: outOfSync.slice(0, MAX_LISTED_UNITS),
        listed: Math.min(outOfSync.length, MAX_LISTED_UNITS),
        durationMs: report.durationMs,
      };
    } catch (err) {
      throw toHttpError(err);
    }
  }
}
