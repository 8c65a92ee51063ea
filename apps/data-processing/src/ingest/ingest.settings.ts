import { ConfigValidationError } from '@smartgrid/config';
import { DEFAULT_MAX_MESSAGE_BYTES } from './reading.decoder';

export interface IngestSettings {
  /** Run the Kafka consumer, i.e. connect the Nest Kafka transport (off for API-only instances and some tests). */
  enabled: boolean;
  /** Consumer group of the Nest Kafka transport; default `<KAFKA_TOPIC_PREFIX>smartgrid-data-processing`. */
  groupId: string | undefined;
  /** Partitions processed at the same time (each batch is one partition). */
  partitionsConcurrently: number;
  /** Upper bound of one fetch per partition; with ~250-byte readings 2 MiB is ~8000 messages. */
  maxBytesPerPartition: number;
  /** How long the broker may hold a fetch to fill it; bounds produce-to-store latency. */
  maxWaitTimeMs: number;
  /** Larger payloads go to the DLQ unparsed. */
  maxMessageBytes: number;
  /** First and longest pause between write attempts when no store can take a batch. */
  retryInitialMs: number;
  retryMaxMs: number;
}

export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');

/** The app's one consumer group: INGEST_GROUP_ID, else `<KAFKA_TOPIC_PREFIX>smartgrid-data-processing`. */
export function ingestGroupId(topicPrefix: string, settings: Pick<IngestSettings, 'groupId'>): string {
  return settings.groupId ?? `${topicPrefix}smartgrid-data-processing`;
}

type Env = Record<string, string | undefined>;

/** Reads INGEST_* variables; throws ConfigValidationError naming every bad one. */
export function readIngestSettings(env: Env = process.env): IngestSettings {
  const problems: { variable: string; message: string }[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push({ variable: name, message: `${name} must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    problems.push({ variable: name, message: `${name} must be a boolean (true/false)` });
    return fallback;
  };
  const groupId = env.INGEST_GROUP_ID || undefined;
  if (groupId !== undefined && !/^[A-Za-z0-9._-]{1,200}$/.test(groupId)) {
    problems.push({ variable: 'INGEST_GROUP_ID', message: 'INGEST_GROUP_ID must be 1-200 of [A-Za-z0-9._-]' });
  }
  const settings: IngestSettings = {
    enabled: bool('INGEST_ENABLED', true),
    groupId,
    partitionsConcurrently: int('INGEST_PARTITIONS_CONCURRENTLY', 3, 1, 64),
    maxBytesPerPartition: int('INGEST_MAX_BYTES_PER_PARTITION', 2 * 1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    maxWaitTimeMs: int('INGEST_MAX_WAIT_MS', 100, 0, 10_000),
    maxMessageBytes: int('INGEST_MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES, 256, 16 * 1024 * 1024),
    retryInitialMs: int('INGEST_RETRY_INITIAL_MS', 250, 10, 60_000),
    retryMaxMs: int('INGEST_RETRY_MAX_MS', 30_000, 10, 600_000),
  };
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return settings;
}
