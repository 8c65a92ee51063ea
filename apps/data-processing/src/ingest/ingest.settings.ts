import { EnvSettingsReader } from '@smartgrid/config';
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

/** Reads INGEST_* variables; throws ConfigValidationError naming every bad one. */
export function readIngestSettings(env: Record<string, string | undefined> = process.env): IngestSettings {
  const read = new EnvSettingsReader(env);
  const groupId = read.text('INGEST_GROUP_ID');
  if (groupId !== undefined && !/^[A-Za-z0-9._-]{1,200}$/.test(groupId)) {
    read.problem('INGEST_GROUP_ID', 'INGEST_GROUP_ID must be 1-200 of [A-Za-z0-9._-]');
  }
  return read.done<IngestSettings>({
    enabled: read.bool('INGEST_ENABLED', true),
    groupId,
    partitionsConcurrently: read.number('INGEST_PARTITIONS_CONCURRENTLY', 3, 1, 64),
    maxBytesPerPartition: read.number('INGEST_MAX_BYTES_PER_PARTITION', 2 * 1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    maxWaitTimeMs: read.number('INGEST_MAX_WAIT_MS', 100, 0, 10_000),
    maxMessageBytes: read.number('INGEST_MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES, 256, 16 * 1024 * 1024),
    retryInitialMs: read.number('INGEST_RETRY_INITIAL_MS', 250, 10, 60_000),
    retryMaxMs: read.number('INGEST_RETRY_MAX_MS', 30_000, 10, 600_000),
  });
}
