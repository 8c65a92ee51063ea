/**
 * The audit log store refused the entry's values for good (not a passing outage): retrying
 * would fail the same way, so a consumer dead-letters the record instead of retrying it.
 */
export class AuditEntryRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditEntryRejectedError';
  }
}
