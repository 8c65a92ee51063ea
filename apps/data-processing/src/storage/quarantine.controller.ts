import { Controller, Get, HttpCode, InternalServerErrorException, Logger, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser, Role } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { messageOf, QuarantineEntryNotFoundError, QuarantineService } from '@smartgrid/hybrid-storage';
import { AuditEventsPublisher } from '@smartgrid/kafka';
import { ApiRoute } from '../common/api-routes.decorators';
import { toHttpError } from '../common/storage-errors.http';
import { QuarantineIdParams, QuarantineQuery } from './quarantine.dto';
import { QuarantineDiscardResponse, QuarantineEntryResponse, QuarantinePageResponse, QuarantineRetryResponse } from './quarantine.responses';

const NO_SUCH_ENTRY = { 404: 'No such entry' };
/** Retry and discard: the entry may be gone, and each is audited (see `audited`). */
const ENTRY_ACTION_ERRORS = { ...NO_SUCH_ENTRY, 500: 'Carried out, but its audit event could not be published' };

/**
 * Rows a store refused, set aside so replication goes on (see libs/hybrid-storage README):
 * list and inspect them (viewer), retry them into their store or discard them (admin; both
 * audited on `audit-events`).
 */
@ApiTags('storage')
@ApiBearerAuth()
@ApiErrors(400, 401, 503)
@Controller('api/storage/quarantine')
export class QuarantineController {
  private readonly logger = new Logger('Quarantine');

  constructor(
    private readonly quarantine: QuarantineService,
    private readonly audit: AuditEventsPublisher,
  ) {}

  @Get()
  @ApiRoute(Role.Viewer, { summary: 'Quarantined rows, oldest first, a page at a time (rows summarised; GET /:id for the rows)', ok: QuarantinePageResponse })
  async list(@Query() q: QuarantineQuery): Promise<QuarantinePageResponse> {
    try {
      return await this.quarantine.list({ limit: q.limit ?? 50, cursor: q.cursor ?? null, ...(q.target ? { target: q.target } : {}) });
    } catch (err) {
      throw toHttpError(err);
    }
  }

  @Get(':id')
  @ApiRoute(Role.Viewer, { summary: 'One quarantine entry with its rows', ok: QuarantineEntryResponse }, NO_SUCH_ENTRY)
  async get(@Param() p: QuarantineIdParams): Promise<QuarantineEntryResponse> {
    return this.found(() => this.quarantine.get(p.id));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiRoute(Role.Admin, { summary: 'Write the rows into their store again; the entry goes once every row is taken (audited)', ok: QuarantineRetryResponse }, ENTRY_ACTION_ERRORS)
  async retry(@Param() p: QuarantineIdParams, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<QuarantineRetryResponse> {
    const result = await this.found(() => this.quarantine.retry(p.id));
    await this.audited(user, meta, 'storage.quarantine.retry', p.id, {
      state: result.state,
      target: result.item.target,
      kind: result.item.kind,
      rowCount: result.item.rowCount,
      refusedRows: result.refusedRows,
      ...(result.error ? { error: result.error.slice(0, 500) } : {}),
    });
    return result;
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiRoute(
    Role.Admin,
    { summary: 'Drop the entry without writing its rows to the store that refused them (audited, with the rows discarded)', ok: QuarantineDiscardResponse },
    ENTRY_ACTION_ERRORS,
  )
  async discard(@Param() p: QuarantineIdParams, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<QuarantineDiscardResponse> {
    const entry = await this.found(() => this.quarantine.get(p.id));
    const discarded = await this.found(() => this.quarantine.discard(p.id));
    // The rows leave the system's replication for good: the audit entry keeps them.
    await this.audited(user, meta, 'storage.quarantine.discard', p.id, {
      target: discarded.target,
      kind: discarded.kind,
      rowCount: discarded.rowCount,
      reason: discarded.reason.slice(0, 500),
      rows: JSON.parse(JSON.stringify(entry.rows)) as unknown,
    });
    return { discarded };
  }

  private async found<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof QuarantineEntryNotFoundError) throw new NotFoundException(err.message);
      throw toHttpError(err);
    }
  }

  /** The action is done; if it cannot be audited the caller must hear so rather than a plain 200. */
  private async audited(user: AuthPrincipal, meta: RequestMeta, action: string, id: string, details: Record<string, unknown>): Promise<void> {
    try {
      await this.audit.publish({ actor: user.username, action, resource: `storage/quarantine/${id}`, metadata: { ...details, requestId: meta.requestId, clientAddress: meta.clientAddress } });
    } catch (err) {
      this.logger.error(`${action} on ${id} by ${user.username} done but not audited: ${messageOf(err)}`);
      throw new InternalServerErrorException(`${action} on ${id} was carried out, but its audit event could not be published: ${messageOf(err)}`);
    }
  }
}
