import { Injectable, InternalServerErrorException, Logger } from '@nestjs/common';
import type { AuthPrincipal } from '@smartgrid/auth';
import type { RequestMeta } from '@smartgrid/http';
import { messageOf } from '@smartgrid/hybrid-storage';
import { AuditEventsPublisher } from '@smartgrid/kafka';

/** Operators' changes to rules and alarms, on `audit-events` (user-management keeps the chain). */
@Injectable()
export class EventsAudit {
  private readonly logger = new Logger('EventsAudit');

  constructor(private readonly audit: AuditEventsPublisher) {}

  /** The action is done; if it cannot be audited the caller must hear so rather than a plain 2xx. */
  async record(user: AuthPrincipal, meta: RequestMeta, action: string, resource: string, details: Record<string, unknown>): Promise<void> {
    try {
      await this.audit.publish({ actor: user.username, action, resource, metadata: { ...details, requestId: meta.requestId, clientAddress: meta.clientAddress } });
    } catch (err) {
      this.logger.error(`${action} on ${resource} by ${user.username} done but not audited: ${messageOf(err)}`);
      throw new InternalServerErrorException(`${action} on ${resource} was carried out, but its audit event could not be published: ${messageOf(err)}`);
    }
  }
}
