import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  HybridStorageService,
  MeterReading,
  messageOf,
  ReadingValidationError,
  RefusedReading,
  SensorReading,
  StorageUnavailableError,
} from '@smartgrid/hybrid-storage';
import { deadLetterMessage, dlqTopic } from '@smartgrid/kafka';
import type { SideOutput } from '@smartgrid/kafka';
import type { IHeaders } from 'kafkajs';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { INGEST_SETTINGS, IngestSettings } from './ingest.settings';
import { decodeMeterMessage, decodeSensorMessage, Decoded, describeRejection, Rejection } from './reading.decoder';

export type IngestKind = 'sensor' | 'meter';

/** One consumed record, as kafkajs hands it over (value and key untouched). */
export interface IngestMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** What the consumer lends the processor while it works on a batch. */
export interface BatchControl {
  /** Keeps the group membership alive during long retries. */
  heartbeat(): Promise<void>;
  /** False once the consumer stops or the partition was taken away: give up, commit nothing. */
  shouldContinue(): boolean;
}

export interface BatchOutcome {
  /** Every message is accounted for (stored, or to be dead-lettered): the offset may be committed. */
  completed: boolean;
  stored: number;
  rejected: number;
  attempts: number;
  /**
   * Dead letters of the refused messages, to be produced atomically with the offset commit
   * (one Kafka transaction, see BatchKafkaServer): a batch redelivered after a crash never
   * dead-letters a message twice.
   */
  deadLetters: SideOutput[];
  /** The readings stored, with the offsets they came from (for evaluation on ingest). */
  accepted: { reading: SensorReading | MeterReading; offset: string }[];
}

interface Source {
  /** Real (prefixed) topic name. */
  topic: string;
  /** Logical name for metric labels. */
  label: string;
  partition: number;
}

type Refusal = { message: IngestMessage; rejection: Rejection };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Validates one partition's batch, writes the valid readings through HybridStorageService in
 * one call, and returns the dead letters of the rest. Completes only when every message is
 * accounted for: readings durable in at least one store (HybridStorageService has recorded a
 * backlog or quarantine entry for a store that missed or refused them), refused messages in
 * the dead letters to produce with the commit. Until then it retries with exponential
 * backoff, heartbeating, for as long as the consumer owns the partition; it never skips a
 * message. A reading that every store refuses (it passed validation, so this should not
 * happen) is dead-lettered with reason `store_refused`.
 */
@Injectable()
export class IngestBatchProcessor {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly storage: HybridStorageService,
    private readonly metrics: IngestMetrics,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  async process(kind: IngestKind, source: Source, messages: readonly IngestMessage[], control: BatchControl): Promise<BatchOutcome> {
    const now = Date.now();
    const opts = { maxBytes: this.settings.maxMessageBytes, now: () => now };
    const decode = kind === 'sensor' ? decodeSensorMessage : decodeMeterMessage;
    let valid: { reading: SensorReading | MeterReading; message: IngestMessage }[] = [];
    const refused: Refusal[] = [];
    for (const m of messages) {
      const d = decode(m.key, m.value, opts) as Decoded<SensorReading | MeterReading>;
      if (d.ok) {
        valid.push({ reading: d.reading, message: m });
        if (d.unknownFields.length > 0) this.metrics.recordUnknownFields(source.label, d.unknownFields);
      } else refused.push({ message: m, rejection: d.rejection });
    }
    this.metrics.batchSize.observe({ topic: source.label }, messages.length);

    let attempts = 0;
    while (valid.length > 0) {
      attempts++;
      try {
        const readings = valid.map((v) => v.reading);
        const result =
          kind === 'sensor'
            ? await this.storage.storeSensorDataBatch(readings as SensorReading[])
            : await this.storage.storeMeterReadingBatch(readings as MeterReading[]);
        this.metrics.recordWrite(kind, result);
        // Past retention on arrival: accepted (offset committed) but not stored, and counted.
        if (result.expired > 0) this.metrics.pastRetention.inc({ kind }, result.expired);
        valid = this.withoutStoreRefused(kind, valid, result.refused, refused);
        break;
      } catch (err) {
        if (err instanceof ReadingValidationError && err.index !== undefined && err.index < valid.length) {
          // The store's own check refused one reading the decoder let through (a clock edge):
          // that message is dead-lettered, the others are written.
          const [bad] = valid.splice(err.index, 1);
          refused.push({ message: bad!.message, rejection: { code: err.reason, field: err.field, detail: err.detail } });
          continue;
        }
        if (err instanceof StorageUnavailableError) for (const o of err.outcomes) this.metrics.recordOutcome(kind, o);
        this.metrics.writeRetries.inc({ topic: source.label });
        const delay = this.backoff(attempts);
        this.logger.warn(
          `${source.topic}[${source.partition}] ${valid.length} readings not durable in any store (attempt ${attempts}): ${messageOf(err)}; retrying in ${delay} ms`,
        );
        if (!(await this.pause(delay, control))) return { completed: false, stored: 0, rejected: 0, attempts, deadLetters: [], accepted: [] };
      }
    }
    for (const r of refused) this.metrics.rejected.inc({ topic: source.label, reason: r.rejection.code });
    this.metrics.ingested.inc({ topic: source.label }, valid.length);
    const failedAt = new Date();
    const deadLetters: SideOutput[] =
      refused.length === 0
        ? []
        : [
            {
              topic: dlqTopic(source.topic),
              messages: refused.map((r) =>
                deadLetterMessage(
                  {
                    topic: source.topic,
                    partition: source.partition,
                    offset: r.message.offset,
                    key: r.message.key,
                    value: r.message.value,
                    ...(r.message.headers ? { headers: r.message.headers } : {}),
                  },
                  describeRejection(r.rejection),
                  failedAt,
                ),
              ),
            },
          ];
    return { completed: true, stored: valid.length, rejected: refused.length, attempts, deadLetters, accepted: valid.map((v) => ({ reading: v.reading, offset: v.message.offset })) };
  }

  /** Moves the messages of readings that no store would take into `refused`; returns the rest. */
  private withoutStoreRefused<T extends { reading: SensorReading | MeterReading; message: IngestMessage }>(
    kind: IngestKind,
    valid: T[],
    storeRefused: readonly RefusedReading[],
    refused: Refusal[],
  ): T[] {
    if (storeRefused.length === 0) return valid;
    const why = new Map(storeRefused.map((r) => [`${r.id}|${r.timestamp.getTime()}`, r.reasons]));
    return valid.filter((v) => {
      const id = kind === 'sensor' ? (v.reading as SensorReading).sensorId : (v.reading as MeterReading).meterId;
      const reasons = why.get(`${id}|${v.reading.timestamp.getTime()}`);
      if (!reasons) return true;
      const detail = Object.entries(reasons).map(([store, reason]) => `${store}: ${reason}`).join('; ');
      refused.push({ message: v.message, rejection: { code: 'store_refused', detail: detail.slice(0, 500) } });
      return false;
    });
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.settings.retryMaxMs, this.settings.retryInitialMs * 2 ** Math.min(attempt - 1, 20));
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  /** Sleeps in short steps, heartbeating; false when the consumer wants the partition back. */
  private async pause(ms: number, control: BatchControl): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!control.shouldContinue()) return false;
      await control.heartbeat().catch(() => undefined);
      await sleep(Math.min(1000, until - Date.now()));
    }
    return control.shouldContinue();
  }
}
