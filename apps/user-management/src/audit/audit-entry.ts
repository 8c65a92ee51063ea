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

/** One link of the chain, as stored in PostgreSQL and mirrored to MongoDB. */
export interface AuditEntry {
  seq: number;
  id: string;
  occurredAt: Date;
  recordedAt: Date;
  actor: string;
  action: string;
  resource: string;
  origin: AuditOrigin | string;
  requestId: string | null;
  clientAddress: string | null;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}

/** Which store answered a read. */
export type AuditSource = 'mongodb' | 'postgres';

/** Action names written by this service (audit-events messages bring their own). */
export const AUDIT_ACTIONS = {
  userCreated: 'user.created',
  userRoleChanged: 'user.role_changed',
  userDisabled: 'user.disabled',
  userEnabled: 'user.enabled',
  userPasswordChanged: 'user.password_changed',
  userDeleted: 'user.deleted',
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
} as const;
