import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { KafkaBatch, KafkaBatchResult } from '@smartgrid/kafka';
import { TOPICS } from '@smartgrid/kafka';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { IngestBatchProcessor, IngestKind } from './ingest-batch.processor';


/**
 * Kafka ingest of `sensor-data` and `meter-readings` on the Nest Kafka transport in batch mode
 * (BatchKafkaServer, connected in app.ts): one consumer group, whole partition batches.
 *
 * Each handler gets up to a fetch's worth of one partition, writes it through
 * IngestBatchProcessor (one HybridStorageService call, invalid messages dead-lettered) and
 * resolves `{ completed: true, produce: deadLetters }` only once every message is accounted
 * for; the server then produces the dead letters and commits `lastOffset + 1` for that
 * partition in one Kafka transaction. If it never gets there (no store can take the rows,
 * shutdown, rebalance) nothing is committed and the batch is fetched again: redelivery is safe
 * because every write is idempotent on (id, timestamp). A thrown error (a bug, not bad input:
 * the decoder never throws) also leaves the batch uncommitted.
 */
@Controller()
export class IngestController {
  constructor(
    private readonly processor: IngestBatchProcessor,
    private readonly metrics: IngestMetrics,
  ) {}

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
    this.metrics.consumerLag.set({ topic: batch.logicalTopic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    this.metrics.batchDuration.observe({ topic: batch.logicalTopic }, (performance.now() - started) / 1000);
    // The dead letters are produced in one transaction with the offset commit.
    return { completed: true, produce: outcome.deadLetters };
  }
}
