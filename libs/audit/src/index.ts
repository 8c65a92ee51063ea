// The audit log's domain: one entry type, the canonical form and hash chain, verification,
// and the ports its stores implement (adapters: @smartgrid/postgres, @smartgrid/mongo).
export type { AuditAction, AuditDetails, AuditEntry, AuditOrigin, AuditSource, ChainHead, NewAuditEntry } from './audit-entry.model';
export { auditAction } from './audit-entry.model';
export type { AuditFilter } from './audit-filter.model';
export { canonicalJson } from './canonical-json.util';
export { canonicalEntry, ChainVerifier, entryHash, extendChain, GENESIS_HASH } from './audit.chain';
export type { ChainBreak, ChainBreakReason } from './audit.chain';
export { verifyChain, verifyEntries } from './chain.verification';
export type { ChainVerification, VerifyOptions } from './chain.verification';
export {
  CheckpointChecker, checkpointFromJson, checkpointPayload, checkpointSignatureValid, checkpointToJson, keyIdOf, parseCheckpointPrivateKey,
  parseCheckpointPublicKey, publicKeyText, signCheckpoint,
} from './checkpoint.model';
export type { AuditCheckpoint, CheckpointReport } from './checkpoint.model';
export { Transaction } from './transaction.port';
export { AuditEntryRejectedError } from './audit.errors';
export { AUDIT_LOG_ACTIONS } from './audit.actions';
export * from './ports';
