import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch, KafkaBatchResult } from '@smartgrid/kafka';
import { TOPICS } from '@smartgrid/kafka';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { IngestBatchProcessor, IngestKind } from './ingest-batch.processor';
import { INGEST_SETTINGS, IngestSettings, TEST_ONLY_SIGKILL_ENV } from './ingest.settings';

/**
 * Kafka ingest of `sensor-data` and `meter-readings` on the Nest Kafka transport in batch mode
 * (BatchKafkaServer, connected in app.ts): one consumer group, whole partition batches.
 *
 * Each handler gets up to a fetch's worth of one partition, writes it through
 * IngestBatchProcessor (one HybridStorageService call, invalid messages dead-lettered) and
 * resolves `{ completed: true }` only once every message is durable; the server then commits
 * `lastOffset + 1` for that partition. If it never gets there (no store can take the rows,
 * shutdown, rebalance) nothing is committed and the batch is fetched again: redelivery is safe
 * because every write is idempotent on (id, timestamp). A thrown error (a bug, not bad input:
 * the decoder never throws) also leaves the batch uncommitted.
 */
@Controller()
export class IngestController {
  private readonly logger = new Logger('IngestController');

  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    private readonly processor: IngestBatchProcessor,
    private readonly metrics: IngestMetrics,
  ) {
    if (settings.testOnlySigkillBeforeCommit) {
      this.logger.warn(`${TEST_ONLY_SIGKILL_ENV} is set: this process will SIGKILL itself before its first commit`);
    }
  }

  @EventPattern(TOPICS.sensorData)
  onSensorData(@Payload() batch: KafkaBatch): Promise<KafkaBatchResult> {
    return this.ingest('sensor', batch);
  }

  @EventPattern(TOPICS.meterReadings)
  onMeterReadings(@Payload() batch: KafkaBatch): Promise<KafkaBatchResult> {
    return this.ingest('meter', batch);
  }

  private async ingest(kind: IngestKind, batch: KafkaBatch): Promise<KafkaBatchResult> {
    const started = performance.now();
    const outcome = await this.processor.process(
      kind,
      { topic: batch.topic, label: batch.logicalTopic, partition: batch.partition },
      batch.messages,
      { heartbeat: batch.heartbeat, shouldContinue: batch.shouldContinue },
    );
    if (!outcome.completed) return { completed: false };
    if (this.settings.testOnlySigkillBeforeCommit) {
      this.logger.warn(`${TEST_ONLY_SIGKILL_ENV}: batch durable, killing myself before the commit`);
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
    this.metrics.consumerLag.set({ topic: batch.logicalTopic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    this.metrics.batchDuration.observe({ topic: batch.logicalTopic }, (performance.now() - started) / 1000);
    return { completed: true };
  }
}
