export { MongoModule } from './mongo.module';
export { MongoHealthIndicator } from './mongo.health';
export { buildMongooseOptions } from './mongo.options';
export type { MongoConfig, MongoModuleOptions } from './mongo.options';
export * from './audit';
export * from './metadata';
export * from './registry';
export { exportMongoDatabase, importMongoDatabase, mongoCounts, nonEmptyCollections } from './backup/database.export';
export type { ExportedCollection } from './backup/database.export';
