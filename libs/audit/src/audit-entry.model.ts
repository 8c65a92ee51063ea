/** Where an entry came from: the REST API, the audit-events topic, or the service itself. */
export type AuditOrigin = 'api' | 'kafka' | 'system';

/** JSON object as stored in `details` (free-form metadata, e.g. field-level diffs). */
export type AuditDetails = Record<string, unknown>;

/** What a caller asks to record. */
export interface NewAuditEntry {
  actor: string;
  action: string;
  resource: string;
  origin: AuditOrigin;
  /** When the action happened; defaults to the time of recording. */
  occurredAt?: Date;
  requestId?: string | null;
  clientAddress?: string | null;
  details?: AuditDetails;
  /** Fixed id (e.g. derived from a Kafka offset, for idempotent redelivery); else random. */
  id?: string;
}

/**
 * One link of the chain: the only shape of an audit entry in the code. The PostgreSQL row and
 * the MongoDB document are persistence shapes, mapped to and from this by their adapters.
 */
export interface AuditEntry {
  seq: number;
  id: string;
  occurredAt: Date;
  recordedAt: Date;
  actor: string;
  action: string;
  resource: string;
  /** An AuditOrigin when written here; read back as the stored text. */
  origin: AuditOrigin | string;
  requestId: string | null;
  clientAddress: string | null;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}

/** What was done, by whom, from where: the part of an entry its writer supplies. */
export type AuditAction = Pick<AuditEntry, 'actor' | 'action' | 'resource' | 'origin' | 'requestId' | 'clientAddress' | 'details'>;

/** The action fields of a new entry or a stored copy, absent optional ones as the chain records them. */
export function auditAction(a: Pick<NewAuditEntry, 'actor' | 'action' | 'resource' | 'requestId' | 'clientAddress' | 'details'> & { origin: AuditOrigin | string }): AuditAction {
  return {
    actor: a.actor,
    action: a.action,
    resource: a.resource,
    origin: a.origin,
    requestId: a.requestId ?? null,
    clientAddress: a.clientAddress ?? null,
    details: a.details ?? {},
  };
}

/** The last appended entry (seq 0 and GENESIS_HASH before the first). */
export interface ChainHead {
  lastSeq: number;
  lastHash: string;
}

/** Which store answered a read. */
export type AuditSource = 'mongodb' | 'postgres';
