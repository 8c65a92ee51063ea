import { Controller, Delete, InternalServerErrorException, Logger, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser, Role, Roles } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { DeletionResult, HybridStorageService, messageOf, SeriesKind } from '@smartgrid/hybrid-storage';
import { AuditEventsPublisher } from '@smartgrid/kafka';
import { IdParams } from '../common/query.dto';
import { toHttpError } from '../common/storage-errors.http';
import { DeletionRangeQuery } from './readings-deletion.dto';
import { ReadingsDeletionResponse } from './readings-deletion.responses';

/**
 * Deletion of a series' readings by time range (admin, audited on `audit-events`): both stores,
 * aggregates recomputed, a store that is down gets it through the backlog, and no later replay
 * or repair of an older write brings the rows back (see HybridWriter.deleteRange). Kept apart
 * from the read controllers of the same paths.
 */
@ApiTags('storage')
@ApiBearerAuth()
@ApiErrors(400, 401, {
  403: 'Role below admin',
  500: 'Carried out, but its audit event could not be published',
  503: 'No store could apply the deletion (nothing recorded; retry)',
})
@Roles(Role.Admin)
@Controller('api')
export class ReadingsDeletionController {
  private readonly logger = new Logger('ReadingsDeletion');

  constructor(
    private readonly storage: HybridStorageService,
    private readonly audit: AuditEventsPublisher,
  ) {}

  @Delete('sensors/:id/readings')
  @ApiOperation({ summary: "Delete a sensor's readings in [from, to) from every store (admin, audited)" })
  @ApiOkResponse({ type: ReadingsDeletionResponse })
  deleteSensor(@Param() p: IdParams, @Query() q: DeletionRangeQuery, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<ReadingsDeletionResponse> {
    return this.remove('sensor', p.id, q, user, meta);
  }

  @Delete('meters/:id/readings')
  @ApiOperation({ summary: "Delete a meter's readings in [from, to) from every store (admin, audited)" })
  @ApiOkResponse({ type: ReadingsDeletionResponse })
  deleteMeter(@Param() p: IdParams, @Query() q: DeletionRangeQuery, @CurrentUser() user: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<ReadingsDeletionResponse> {
    return this.remove('meter', p.id, q, user, meta);
  }

  private async remove(kind: SeriesKind, id: string, q: DeletionRangeQuery, user: AuthPrincipal, meta: RequestMeta): Promise<ReadingsDeletionResponse> {
    let r: DeletionResult;
    try {
      r = kind === 'sensor' ? await this.storage.deleteSensorReadings(id, new Date(q.from), new Date(q.to)) : await this.storage.deleteMeterReadings(id, new Date(q.from), new Date(q.to));
    } catch (err) {
      throw toHttpError(err);
    }
    const body: ReadingsDeletionResponse = {
      kind,
      id,
      from: r.deletion.from,
      to: r.deletion.to,
      deletedAtUs: r.deletion.deletedAtUs,
      appliedIn: r.appliedIn,
      removed: r.removed,
      pending: r.backlog.map((b) => ({ target: b.target, heldIn: b.heldIn })),
    };
    const resource = `${kind === 'sensor' ? 'sensors' : 'meters'}/${id}/readings`;
    try {
      await this.audit.publish({
        actor: user.username,
        action: `${kind}.readings.delete`,
        resource,
        metadata: { ...body, from: body.from.toISOString(), to: body.to.toISOString(), requestId: meta.requestId, clientAddress: meta.clientAddress },
      });
    } catch (err) {
      this.logger.error(`deletion of ${resource} by ${user.username} done but not audited: ${messageOf(err)}`);
      throw new InternalServerErrorException(`the deletion of ${resource} was carried out, but its audit event could not be published: ${messageOf(err)}`);
    }
    return body;
  }
}
