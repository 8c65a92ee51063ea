import type { ConfigType } from '@nestjs/config';
import type { MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import type { mongoConfig } from '@smartgrid/config';

export type MongoConfig = ConfigType<typeof mongoConfig>;

export interface MongoModuleOptions {
  /** Connection attempts at start-up before giving up (default 5, 2 s apart). */
  retryAttempts?: number;
  retryDelayMs?: number;
  /** How long the driver looks for a usable server before failing an operation (default 3000 ms). */
  serverSelectionTimeoutMs?: number;
  /** Upper bound for one health probe (default 3000 ms). */
  healthTimeoutMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

/**
 * Options that work against both MongoDB and FerretDB (which speaks the wire protocol but has
 * no sessions, so no retryable writes). Indexes declared on schemas are built at start-up.
 */
export function buildMongooseOptions(cfg: MongoConfig, options: MongoModuleOptions = {}): MongooseModuleFactoryOptions {
  return {
    uri: cfg.uri,
    directConnection: true,
    retryWrites: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 3000,
    connectTimeoutMS: 5000,
    heartbeatFrequencyMS: 2000,
    appName: 'smartgrid',
    autoIndex: true,
    autoCreate: true,
    retryAttempts: options.retryAttempts ?? 5,
    retryDelay: options.retryDelayMs ?? 2000,
  };
}
