export { SmartgridConfigModule } from './config.module';
export type { SmartgridConfigOptions } from './config.module';
export { ConfigValidationError, validateEnvironment, HttpEnv, PostgresEnv, CassandraEnv, MongoEnv, KafkaEnv, AuthEnv, AuditEnv } from './environment.validation';
export type { ConfigSection } from './environment.validation';
export { httpConfig, postgresConfig, cassandraConfig, mongoConfig, kafkaConfig, authConfig, auditConfig, appFlags } from './config.namespaces';
