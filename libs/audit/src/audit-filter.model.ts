/** A search of the audit log; every store that serves queries honours every field. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  resource?: string;
  /** Inclusive bounds on occurredAt. */
  from?: Date;
  to?: Date;
  /**
   * A field inside details, as path segments, and the value it must hold: compared as text
   * (numbers and booleans match their spelling).
   */
  detailsPath?: string[];
  detailsValue?: string;
  /** Keyset pagination: only entries with seq below this. */
  beforeSeq?: number;
  /** Only entries with seq at or above this. */
  fromSeq?: number;
  limit: number;
}
