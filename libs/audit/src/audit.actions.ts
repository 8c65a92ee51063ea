/** Action names of the entries the audit log writes about itself. */
export const AUDIT_LOG_ACTIONS = {
  checkpointSigned: 'audit.checkpoint_signed',
} as const;
