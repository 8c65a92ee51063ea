export { SmartgridConfigModule } from './config.module';
export type { SmartgridConfigOptions } from './config.module';
export { ConfigValidationError, validateEnvironment, HttpEnv, PostgresEnv, CassandraEnv, MongoEnv, KafkaEnv, AuthEnv, AuditEnv, RetentionEnv } from './environment.validation';
export type { ConfigSection } from './environment.validation';
export { EnvSettingsReader } from './env.settings';
export { httpConfig, postgresConfig, cassandraConfig, mongoConfig, kafkaConfig, authConfig, auditConfig, appFlags, retentionConfig } from './config.namespaces';
