/** One audit_log row as stored; the app maps it to its domain entry. */
export interface AuditRow {
  seq: number;
  id: string;
  occurredAt: Date;
  recordedAt: Date;
  actor: string;
  action: string;
  resource: string;
  origin: string;
  requestId: string | null;
  clientAddress: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The last appended entry (seq 0 and 64 zeros before the first). */
export interface ChainHead {
  lastSeq: number;
  lastHash: string;
}

export interface AuditRowFilter {
  actor?: string;
  action?: string;
  resource?: string;
  /** Inclusive bounds on occurred_at. */
  from?: Date;
  to?: Date;
  /** A field inside details, as path segments, compared as text with `detailsValue`. */
  detailsPath?: string[];
  detailsValue?: string;
  /** Keyset pagination: only entries with seq below this. */
  beforeSeq?: number;
  /** Only entries with seq at or above this. */
  fromSeq?: number;
  limit: number;
}
