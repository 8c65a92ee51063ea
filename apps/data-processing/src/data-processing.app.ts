import { INestApplication, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createSmartgridApp, CreateAppOptions, SmartgridAppSpec, startSmartgridApp } from '@smartgrid/bootstrap';
import { kafkaConfig } from '@smartgrid/config';
import { BatchKafkaServer, kafkaMicroserviceOptions } from '@smartgrid/kafka';
import { AppModule, REQUIRED_CONFIG } from './app.module';
import { ingestGroupId, INGEST_SETTINGS, IngestSettings } from './ingest/ingest.settings';

export { applyEnv } from '@smartgrid/bootstrap';
export type { CreateAppOptions } from '@smartgrid/bootstrap';

export const APP_NAME = 'data-processing';

/** The Kafka transport of each app built by createApp (absent when INGEST_ENABLED=false). */
const kafkaServers = new WeakMap<INestApplication, BatchKafkaServer>();

/**
 * Resolves once the app's Kafka consumer has joined its group and owns its partitions (tests
 * wait on it); at once when ingest is disabled.
 */
export function whenIngestAssigned(app: INestApplication, timeoutMs = 60_000): Promise<void> {
  return kafkaServers.get(app)?.whenAssigned(timeoutMs) ?? Promise.resolve();
}

/**
 * Ingest runs on the Nest Kafka transport in batch mode (IngestController): the app's one
 * consumer group, `<prefix>smartgrid-data-processing`, fetch sizes from the INGEST_* settings.
 */
function ingestConsumer(app: INestApplication) {
  const kafka = app.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY);
  const ingest = app.get<IngestSettings>(INGEST_SETTINGS);
  if (!ingest.enabled) {
    new Logger('Ingest').log('Kafka ingest disabled (INGEST_ENABLED=false): no Kafka consumer');
    return undefined;
  }
  const microservice = kafkaMicroserviceOptions(kafka, ingestGroupId(kafka.topicPrefix, ingest), {
    batch: { partitionsConsumedConcurrently: ingest.partitionsConcurrently },
    consumer: {
      maxBytesPerPartition: ingest.maxBytesPerPartition,
      maxBytes: ingest.maxBytesPerPartition * 8,
      maxWaitTimeInMs: ingest.maxWaitTimeMs,
    },
  });
  kafkaServers.set(app, microservice.strategy as BatchKafkaServer);
  return microservice;
}

export const DATA_PROCESSING: SmartgridAppSpec = {
  name: APP_NAME,
  module: () => AppModule.register(),
  requiredConfig: REQUIRED_CONFIG,
  openApi: { title: 'smartgrid data-processing', description: 'Sensor and meter ingest, hybrid storage queries and admin' },
  kafka: ingestConsumer,
};

/**
 * Builds the app (HTTP + Kafka ingest) without starting it; rejects with ConfigValidationError
 * naming the variables when the environment is wrong. Start it with startApp().
 */
export function createApp(options: CreateAppOptions = {}): Promise<INestApplication> {
  return createSmartgridApp(DATA_PROCESSING, options);
}

/** Starts the Kafka consumer (unless ingest is disabled), then HTTP on `port` (default: PORT, else 3000). Returns the bound port. */
export function startApp(app: INestApplication, port?: number): Promise<number> {
  return startSmartgridApp(app, port);
}
