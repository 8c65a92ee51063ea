import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUDIT_LOG_ACTIONS, AuditCheckpoint } from '@smartgrid/audit';
import { AuthPrincipal, CurrentUser, Role, Roles } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditPage, AuditQueryDto, CheckpointPage, CheckpointQueryDto, CheckpointView, VerifyReportView } from './audit-query.dto';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifyService } from './audit-verify.service';
import { AuditService } from './audit.service';

const view = (c: AuditCheckpoint): CheckpointView => ({
  seq: c.seq,
  hash: c.hash,
  signedAt: c.signedAt.toISOString(),
  keyId: c.keyId,
  algorithm: c.algorithm,
  signature: c.signature,
});

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/audit-logs')
export class AuditController {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly verifier: AuditVerifyService,
    private readonly checkpoints: AuditCheckpointService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles(Role.Operator)
  @ApiOperation({ summary: 'Search the audit log (newest first), from MongoDB with PostgreSQL fallback' })
  @ApiOkResponse({ type: AuditPage })
  @ApiErrors(400)
  list(@Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.queries.query(query);
  }

  @Get('verify')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Recompute the hash chain; report valid, or the first broken entry and why' })
  @ApiOkResponse({ type: VerifyReportView })
  verify(): Promise<VerifyReportView> {
    return this.verifier.verify();
  }

  @Get('checkpoints')
  @Roles(Role.Operator)
  @ApiOperation({ summary: 'Signed checkpoints of the chain head (newest first), with the public key that verifies them' })
  @ApiOkResponse({ type: CheckpointPage })
  @ApiErrors(400)
  async listCheckpoints(@Query() q: CheckpointQueryDto): Promise<CheckpointPage> {
    const limit = q.limit ?? 50;
    const rows = await this.checkpoints.list(limit + 1, q.cursor ? Number(q.cursor) : undefined);
    const page = rows.slice(0, limit);
    const key = this.checkpoints.publicKey;
    return {
      publicKey: key?.publicKey ?? null,
      keyId: key?.keyId ?? null,
      items: page.map((r) => view(r.checkpoint)),
      nextCursor: rows.length > limit ? String(page[page.length - 1].cursor) : null,
    };
  }

  @Post('checkpoints')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Sign the chain head now: published on Kafka audit-checkpoints and stored; audited' })
  @ApiCreatedResponse({ type: CheckpointView })
  @ApiErrors({ 409: 'The chain no longer holds the last signed entry (rewritten): refusing to sign it', 503: 'AUDIT_CHECKPOINT_KEY is not set, or Kafka/PostgreSQL unavailable' })
  async signCheckpoint(@CurrentUser() principal: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<CheckpointView> {
    const c = await this.checkpoints.signNow();
    await this.audit.record({
      actor: principal.username,
      action: AUDIT_LOG_ACTIONS.checkpointSigned,
      resource: `audit-checkpoint:${c.seq}`,
      origin: 'api',
      requestId: meta.requestId,
      clientAddress: meta.clientAddress,
      details: { seq: c.seq, hash: c.hash, keyId: c.keyId, actorUserId: principal.userId },
    });
    return view(c);
  }
}
