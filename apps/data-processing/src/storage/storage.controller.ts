import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { BacklogReplayer, StorageSyncService } from '@smartgrid/hybrid-storage';
import { ReconcileQuery } from '../aggregates/query.dto';
import { toHttpError } from '../aggregates/storage-errors';
import { DAY, resolveRange } from '../aggregates/time-range';
import { StorageStatusService } from './storage-status.service';

/** Reconcile reads both stores day by day: keep one request bounded. */
export const MAX_RECONCILE_SPAN_MS = 7 * DAY;
/** Units listed in a reconcile answer; totals always cover all of them. */
const MAX_LISTED_UNITS = 200;

@ApiTags('storage')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid bearer token' })
@Controller('api/storage')
export class StorageController {
  constructor(
    private readonly status: StorageStatusService,
    private readonly replayer: BacklogReplayer,
    private readonly sync: StorageSyncService,
  ) {}

  @Get('status')
  @Roles(Role.Viewer)
  @ApiForbiddenResponse({ description: 'Role below viewer' })
  @ApiOperation({ summary: 'Per-store health, replication backlog depth, dead-letter counts and ingest lag' })
  @ApiOkResponse({ description: '{ checkedAt, stores: { postgres, cassandra }, backlog, deadLetters, ingest }' })
  getStatus() {
    return this.status.status();
  }

  @Post('replay')
  @HttpCode(200)
  @Roles(Role.Operator)
  @ApiForbiddenResponse({ description: 'Role below operator' })
  @ApiOperation({ summary: 'Drain the replication backlog now (joins a pass already running)' })
  @ApiOkResponse({ description: 'ReplayReport: { startedAt, durationMs, targets: [{ target, state, entries, rows, error? }] }' })
  replay() {
    return this.replayer.drainNow();
  }

  @Get('reconcile')
  @Roles(Role.Operator)
  @ApiForbiddenResponse({ description: 'Role below operator' })
  @ApiOperation({ summary: 'Compare PostgreSQL and Cassandra series by series and UTC day in [from, to) (read-only; at most 7 days)' })
  @ApiOkResponse({ description: '{ from, to, totals, outOfSync: [units that differ], listed, durationMs }' })
  async reconcile(@Query() q: ReconcileQuery) {
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
