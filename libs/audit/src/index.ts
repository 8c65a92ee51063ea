// The audit log's domain: one entry type, the canonical form and hash chain, verification,
// and the ports its stores implement (adapters: @smartgrid/postgres, @smartgrid/mongo).
export type { AuditDetails, AuditEntry, AuditOrigin, AuditSource, ChainHead, NewAuditEntry } from './audit-entry';
export type { AuditFilter } from './audit-filter';
export { canonicalJson } from './canonical-json';
export { canonicalEntry, ChainVerifier, entryHash, extendChain, GENESIS_HASH } from './audit-chain';
export type { ChainBreak, ChainBreakReason } from './audit-chain';
export { verifyChain } from './chain-verification';
export type { ChainVerification } from './chain-verification';
export { Transaction } from './transaction';
export { AuditEntryRejectedError } from './audit.errors';
export * from './ports';
