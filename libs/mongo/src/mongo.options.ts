import type { ConfigType } from '@nestjs/config';
import type { MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import type { mongoConfig } from '@smartgrid/config';
import type { Connection, ConnectOptions } from 'mongoose';

export type MongoConfig = ConfigType<typeof mongoConfig>;

export interface MongoModuleOptions {
  /**
   * Start without waiting for MongoDB: the first connection attempt runs in the background and
   * MongoConnectionKeeper repeats it (every `retryDelayMs`) until the server answers; from
   * then on the driver reconnects by itself. For apps to which MongoDB is optional. Default
   * false: start-up waits for the server, up to `retryAttempts`.
   */
  connectInBackground?: boolean;
  /** Connection attempts at start-up before giving up (default 5, 2 s apart); ignored in the background mode. */
  retryAttempts?: number;
  /** Pause between connection attempts (default 2000 ms). */
  retryDelayMs?: number;
  /** How long the driver looks for a usable server before failing an operation (default 3000 ms). */
  serverSelectionTimeoutMs?: number;
  /** Upper bound for one health probe (default 3000 ms). */
  healthTimeoutMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;
export const DEFAULT_RETRY_DELAY_MS = 2000;

/**
 * Driver options that work against both MongoDB and FerretDB (which speaks the wire protocol
 * but has no sessions, so no retryable writes). Indexes declared on schemas are built once
 * connected.
 */
export function mongooseConnectOptions(options: MongoModuleOptions = {}): ConnectOptions {
  return {
    directConnection: true,
    retryWrites: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 3000,
    connectTimeoutMS: 5000,
    heartbeatFrequencyMS: 2000,
    appName: 'smartgrid',
    autoIndex: true,
    autoCreate: true,
  };
}

export function buildMongooseOptions(cfg: MongoConfig, options: MongoModuleOptions = {}): MongooseModuleFactoryOptions {
  const common = { uri: cfg.uri, ...mongooseConnectOptions(options) };
  if (!options.connectInBackground) {
    return { ...common, retryAttempts: options.retryAttempts ?? 5, retryDelay: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS };
  }
  return {
    ...common,
    // The connection is handed out at once, its first attempt still running.
    lazyConnection: true,
    // An 'error' listener is mongoose's sign that the failure of that unawaited first attempt
    // is handled (else it would be an unhandled rejection); MongoConnectionKeeper reports it
    // and tries again. Attached here, at creation, before the attempt can fail.
    connectionFactory: (connection: Connection) => connection.on('error', () => undefined),
  };
}
