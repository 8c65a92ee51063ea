export { SmartgridConfigModule } from './config.module';
export type { SmartgridConfigOptions } from './config.module';
export { ConfigValidationError, validateEnvironment, HttpEnv, PostgresEnv, CassandraEnv, MongoEnv, KafkaEnv, AuthEnv, AuditEnv } from './environment';
export type { ConfigSection } from './environment';
export { httpConfig, postgresConfig, cassandraConfig, mongoConfig, kafkaConfig, authConfig, auditConfig, appFlags } from './namespaces';
