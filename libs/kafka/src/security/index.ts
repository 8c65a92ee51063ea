export { ensureConfiguredTopic } from './configured.topic';
export type { TopicSpec } from './configured.topic';
export { TOKEN_REVOCATIONS_TOPIC, TokenRevocationsFeed, TokenRevocationsPublisher, tokenRevocationsTopic } from './token-revocations.topic';
export { TokenRevocationsModule } from './token-revocations.module';
export { AUDIT_CHECKPOINTS_TOPIC, AuditCheckpointsPublisher, auditCheckpointsTopic, readAuditCheckpoints } from './audit-checkpoints.topic';
