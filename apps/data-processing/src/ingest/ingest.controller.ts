import { Controller, Inject, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventPattern, Payload } from '@nestjs/microservices';
import { kafkaConfig } from '@smartgrid/config';
import { EventEvaluationService, GridEvent } from '@smartgrid/events';
import { messageOf, MeterReading, SensorReading } from '@smartgrid/hybrid-storage';
import type { KafkaBatch, KafkaBatchResult, SideOutput } from '@smartgrid/kafka';
import { gridEventMessage, prefixedTopic, TOPICS } from '@smartgrid/kafka';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { BatchOutcome, IngestBatchProcessor, IngestKind } from './ingest-batch.processor';

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
 *
 * Once stored, the batch's readings are evaluated (alarm rules, meter checks; see
 * EventEvaluationService): the grid events they raise are recorded in PostgreSQL first and
 * produced on `grid-events` in the same transaction as the dead letters and the commit, so a
 * batch delivered again publishes nothing twice.
 */
@Controller()
export class IngestController {
  private readonly logger = new Logger('Ingest');
  private readonly gridEventsTopic: string;

  constructor(
    private readonly processor: IngestBatchProcessor,
    private readonly metrics: IngestMetrics,
    private readonly evaluation: EventEvaluationService,
    @Inject(kafkaConfig.KEY) kafka: ConfigType<typeof kafkaConfig>,
  ) {
    this.gridEventsTopic = prefixedTopic(kafka.topicPrefix, TOPICS.gridEvents);
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
    this.metrics.consumerLag.set({ topic: batch.logicalTopic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    this.metrics.batchDuration.observe({ topic: batch.logicalTopic }, (performance.now() - started) / 1000);
    const events = await this.evaluate(kind, batch, outcome);
    const produce: SideOutput[] = [...outcome.deadLetters];
    if (events.length > 0) produce.push({ topic: this.gridEventsTopic, messages: events.map(gridEventMessage) });
    // The dead letters and grid events are produced in one transaction with the offset commit;
    // once it committed, the events are marked published (a re-read of these offsets after an
    // offset reset must not publish them again, while an aborted attempt's events are re-published).
    if (events.length === 0) return { completed: true, produce };
    return { completed: true, produce, afterCommit: () => this.evaluation.published(events) };
  }

  /** Never fails the batch: what evaluation could not do is caught up later (see EventEvaluationService). */
  private async evaluate(kind: IngestKind, batch: KafkaBatch, outcome: BatchOutcome): Promise<GridEvent[]> {
    const first = batch.messages[0]?.offset;
    if (first === undefined || outcome.accepted.length === 0) return [];
    const trigger = { topic: batch.topic, partition: batch.partition, firstOffset: first, lastOffset: batch.lastOffset };
    try {
      return kind === 'sensor'
        ? await this.evaluation.evaluateSensors(trigger, outcome.accepted as { reading: SensorReading; offset: string }[])
        : await this.evaluation.evaluateMeters(trigger, outcome.accepted as { reading: MeterReading; offset: string }[]);
    } catch (err) {
      this.logger.error(`${batch.topic}[${batch.partition}] evaluation failed (state rebuilt on the next batch): ${messageOf(err)}`);
      return [];
    }
  }
}
