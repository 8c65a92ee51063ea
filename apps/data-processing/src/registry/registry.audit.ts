import { Injectable, InternalServerErrorException, Logger } from '@nestjs/common';
import type { AuthPrincipal } from '@smartgrid/auth';
import type { RequestMeta } from '@smartgrid/http';
import { messageOf } from '@smartgrid/hybrid-storage';
import { AuditEventsPublisher } from '@smartgrid/kafka';
import { isDeepStrictEqual } from 'node:util';

/** JSON as the audit log keeps it (dates as ISO text). */
function plain(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

/**
 * Publishes registry changes on `audit-events` (actor from the token, the record before and
 * after), where user-management appends them to the hash-chained audit log. A change that
 * changed nothing is not an event. If the event cannot be published the caller hears so (500
 * saying the change was made) rather than a plain success.
 */
@Injectable()
export class RegistryAudit {
  private readonly logger = new Logger('RegistryAudit');

  constructor(private readonly audit: AuditEventsPublisher) {}

  async changed(user: AuthPrincipal, meta: RequestMeta, action: string, resource: string, before: unknown, after: unknown): Promise<void> {
    const b = plain(before);
    const a = plain(after);
    if (isDeepStrictEqual(b, a)) return;
    try {
      await this.audit.publish({
        actor: user.username,
        action,
        resource,
        metadata: { before: b, after: a, requestId: meta.requestId, clientAddress: meta.clientAddress },
      });
    } catch (err) {
      this.logger.error(`${action} on ${resource} by ${user.username} done but not audited: ${messageOf(err)}`);
      throw new InternalServerErrorException(`${action} on ${resource} was carried out, but its audit event could not be published: ${messageOf(err)}`);
    }
  }
}
