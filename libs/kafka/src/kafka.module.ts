import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { kafkaConfig } from '@smartgrid/config';
import { Admin, Kafka, Partitioners, Producer } from 'kafkajs';
import { AuditEventsPublisher } from './audit-events.publisher';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { GridEventsPublisher } from './grid-events.publisher';
import { KAFKA_ADMIN, KAFKA_CLIENT, KAFKA_MODULE_OPTIONS, KAFKA_PRODUCER } from './kafka.constants';
import { KafkaHealthIndicator } from './kafka.health';
import { buildKafkaJsConfig } from './kafka.options';
import type { KafkaModuleOptions } from './kafka.options';
import { ensureTopics, withDlqTwins } from './topic.admin';
import { prefixedTopic } from './kafka.topics';

/** Disconnects the producer and admin client when the app shuts down. */
@Injectable()
class KafkaClientsCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const results = await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    for (const r of results) {
      if (r.status === 'rejected') this.logger.warn(`disconnect failed: ${String(r.reason)}`);
    }
  }
}

/**
 * kafkajs clients for the app: creates the given topics (with the configured prefix and
 * partition count) and their `.dlq` twins at start-up, and provides a connected idempotent
 * producer, the dead-letter, audit-event and grid-event publishers and a health indicator. Consumers are not here: they
 * run in the app's Kafka microservice (see kafkaMicroserviceOptions).
 */
@Module({})
export class KafkaModule {
  static forRootAsync(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      imports: [TerminusModule],
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        {
          provide: KAFKA_CLIENT,
          inject: [kafkaConfig.KEY],
          useFactory: (cfg: ConfigType<typeof kafkaConfig>) => new Kafka(buildKafkaJsConfig(cfg)),
        },
        {
          provide: KAFKA_ADMIN,
          inject: [KAFKA_CLIENT, kafkaConfig.KEY],
          useFactory: async (kafka: Kafka, cfg: ConfigType<typeof kafkaConfig>): Promise<Admin> => {
            const admin = kafka.admin();
            await admin.connect();
            try {
              const topics = withDlqTwins(options.topics.map((t) => prefixedTopic(cfg.topicPrefix, t)));
              await ensureTopics(admin, topics, cfg.topicPartitions);
            } catch (err) {
              await admin.disconnect();
              throw err;
            }
            return admin;
          },
        },
        {
          provide: KAFKA_PRODUCER,
          // Depends on the admin so topics exist before anything can produce.
          inject: [KAFKA_CLIENT, KAFKA_ADMIN],
          useFactory: async (kafka: Kafka): Promise<Producer> => {
            const producer = kafka.producer({
              idempotent: true,
              maxInFlightRequests: 1,
              allowAutoTopicCreation: false,
              createPartitioner: Partitioners.DefaultPartitioner,
            });
            await producer.connect();
            return producer;
          },
        },
        KafkaClientsCloser,
        DeadLetterPublisher,
        AuditEventsPublisher,
        GridEventsPublisher,
        KafkaHealthIndicator,
      ],
      exports: [KAFKA_CLIENT, KAFKA_ADMIN, KAFKA_PRODUCER, DeadLetterPublisher, AuditEventsPublisher, GridEventsPublisher, KafkaHealthIndicator],
    };
  }
}
