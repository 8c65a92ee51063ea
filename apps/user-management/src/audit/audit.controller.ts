import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { ApiErrors } from '@smartgrid/http';
import { AuditPage, AuditQueryDto, VerifyReportView } from './audit-query.dto';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifyService } from './audit-verify.service';

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/audit-logs')
export class AuditController {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly verifier: AuditVerifyService,
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
}
