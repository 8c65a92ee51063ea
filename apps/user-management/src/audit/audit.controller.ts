import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role, Roles } from '@smartgrid/auth';
import { AuditPage, AuditQueryDto, VerifyReportView } from './audit-query.dto';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifyService } from './audit-verify.service';

@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid bearer token' })
@ApiForbiddenResponse({ description: 'Role too low' })
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
