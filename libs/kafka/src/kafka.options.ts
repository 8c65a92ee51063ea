import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { kafkaConfig } from '@smartgrid/config';
import { KafkaConfig as KafkaJsConfig, logCreator, logLevel } from 'kafkajs';

export type KafkaConfig = ConfigType<typeof kafkaConfig>;

export interface KafkaModuleOptions {
  /** Logical topic names (e.g. TOPICS.sensorData); each is created with its `.dlq` twin. */
  topics: string[];
  /** Upper bound for one health probe (default 3000 ms). */
  healthTimeoutMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 3000;

/** Routes kafkajs log lines to Nest's logger; INFO chatter (joins, rebalances) stays at debug. */
export const nestLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const detail = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    const line = `[${namespace}] ${message}${detail}`;
    // Retries are bounded on purpose (a send fails within seconds while the broker is away,
    // so callers do not commit); kafkajs warns about that on every idempotent producer start.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.debug(line);
  };
};

/**
 * kafkajs client settings: short connection/request timeouts and a bounded retry budget, so a
 * lost broker surfaces as an error within seconds rather than hanging a request.
 */
export function buildKafkaJsConfig(cfg: KafkaConfig, clientIdSuffix = ''): KafkaJsConfig {
  return {
    clientId: `${cfg.clientId}${clientIdSuffix}`,
    brokers: cfg.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
  };
}
