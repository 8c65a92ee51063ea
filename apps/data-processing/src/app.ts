import { INestApplication, Logger, LoggerService, LogLevel } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { httpConfig, kafkaConfig, validateEnvironment } from '@smartgrid/config';
import { BatchKafkaServer, kafkaMicroserviceOptions } from '@smartgrid/kafka';
import { logLevelsFor } from '@smartgrid/observability';
import { AppModule, REQUIRED_CONFIG } from './app.module';
import { ingestGroupId, INGEST_SETTINGS, IngestSettings } from './ingest/ingest.settings';

export const APP_NAME = 'data-processing';

export interface CreateAppOptions {
  /** Variables to set in process.env before configuration is read (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Defaults to the levels named by LOG_LEVEL. */
  logger?: LoggerService | LogLevel[] | false;
}

/** The Kafka transport of each app built by createApp (absent when INGEST_ENABLED=false). */
const kafkaServers = new WeakMap<INestApplication, BatchKafkaServer>();

/**
 * Resolves once the app's Kafka consumer has joined its group and owns its partitions (tests
 * wait on it); at once when ingest is disabled.
 */
export function whenIngestAssigned(app: INestApplication, timeoutMs = 60_000): Promise<void> {
  return kafkaServers.get(app)?.whenAssigned(timeoutMs) ?? Promise.resolve();
}

export function applyEnv(env: Record<string, string | undefined> = {}): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/**
 * Builds the hybrid app (HTTP + Kafka consumer) without starting it: configuration validated,
 * stores connected and migrated, topics created. Rejects with ConfigValidationError naming
 * the variables when the environment is wrong. Start it with startApp().
 */
export async function createApp(options: CreateAppOptions = {}): Promise<INestApplication> {
  applyEnv(options.env);
  // Synchronously, before Nest starts: a bad variable must surface here as one
  // ConfigValidationError, not as a rejection inside module scanning.
  validateEnvironment(process.env, REQUIRED_CONFIG);
  const logger = options.logger ?? logLevelsFor(process.env.LOG_LEVEL);
  const app = await NestFactory.create(AppModule.register(), {
    abortOnError: false,
    ...(logger !== undefined ? { logger } : {}),
  });
  try {
    const kafka = app.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY);
    const ingest = app.get<IngestSettings>(INGEST_SETTINGS);
    if (ingest.enabled) {
      // Ingest runs on the Nest Kafka transport in batch mode (IngestController): the app's
      // one consumer group, `<prefix>smartgrid-data-processing`.
      const microservice = kafkaMicroserviceOptions(kafka, ingestGroupId(kafka.topicPrefix, ingest), {
        batch: { partitionsConsumedConcurrently: ingest.partitionsConcurrently },
        consumer: {
          maxBytesPerPartition: ingest.maxBytesPerPartition,
          maxBytes: ingest.maxBytesPerPartition * 8,
          maxWaitTimeInMs: ingest.maxWaitTimeMs,
        },
      });
      kafkaServers.set(app, microservice.strategy as BatchKafkaServer);
      app.connectMicroservice(microservice, { inheritAppConfig: true });
    } else {
      new Logger('Ingest').log('Kafka ingest disabled (INGEST_ENABLED=false): no Kafka consumer');
    }
    const openApi = new DocumentBuilder()
      .setTitle('smartgrid data-processing')
      .setDescription('Sensor and meter ingest, hybrid storage queries and admin')
      .setVersion('1')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}

/** Starts the Kafka consumer (unless ingest is disabled), then HTTP on `port` (default: PORT, else 3000). Returns the bound port. */
export async function startApp(app: INestApplication, port?: number): Promise<number> {
  await app.startAllMicroservices();
  await app.listen(port ?? app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY).port);
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : Number(port);
}
