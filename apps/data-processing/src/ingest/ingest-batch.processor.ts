import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  HybridStorageService,
  MeterReading,
  messageOf,
  ReadingValidationError,
  SensorReading,
  StorageUnavailableError,
  WriteResult,
} from '@smartgrid/hybrid-storage';
import { DeadLetterPublisher } from '@smartgrid/kafka';
import type { IHeaders } from 'kafkajs';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { INGEST_SETTINGS, IngestSettings } from './ingest.settings';
import { decodeMeterMessage, decodeSensorMessage, Decoded, describeRejection, Rejection } from './reading-decoder';

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
  /** Everything is durable (stored, or in the DLQ): the offset may be committed. */
  completed: boolean;
  stored: number;
  rejected: number;
  attempts: number;
}

interface Source {
  /** Real (prefixed) topic name. */
  topic: string;
  /** Logical name for metric labels. */
  label: string;
  partition: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Validates one partition's batch, writes the valid readings through HybridStorageService in
 * one call, and dead-letters the rest. Returns `completed` only when every message is durable
 * somewhere: readings in at least one store (HybridStorageService has recorded a backlog entry
 * for a store that missed them), refused messages acknowledged by the DLQ topic. Until then it
 * retries with exponential backoff, heartbeating, for as long as the consumer owns the
 * partition; it never skips a message.
 */
@Injectable()
export class IngestBatchProcessor {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly storage: HybridStorageService,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: IngestMetrics,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  async process(kind: IngestKind, source: Source, messages: readonly IngestMessage[], control: BatchControl): Promise<BatchOutcome> {
    const now = Date.now();
    const opts = { maxBytes: this.settings.maxMessageBytes, now: () => now };
    const decode = kind === 'sensor' ? decodeSensorMessage : decodeMeterMessage;
    let valid: { reading: SensorReading | MeterReading; message: IngestMessage }[] = [];
    const refused: { message: IngestMessage; rejection: Rejection }[] = [];
    for (const m of messages) {
      const d = decode(m.key, m.value, opts) as Decoded<SensorReading | MeterReading>;
      if (d.ok) valid.push({ reading: d.reading, message: m });
      else refused.push({ message: m, rejection: d.rejection });
    }
    this.metrics.batchSize.observe({ topic: source.label }, messages.length);

    // Dead letters of the decode step go out while the stores are written.
    const firstLetters = this.deadLetter(source, refused.splice(0), control);
    let attempts = 0;
    let result: WriteResult | undefined;
    while (valid.length > 0) {
      attempts++;
      try {
        const readings = valid.map((v) => v.reading);
        result =
          kind === 'sensor'
            ? await this.storage.storeSensorDataBatch(readings as SensorReading[])
            : await this.storage.storeMeterReadingBatch(readings as MeterReading[]);
        this.metrics.recordWrite(kind, result);
        break;
      } catch (err) {
        if (err instanceof ReadingValidationError && err.index !== undefined && err.index < valid.length) {
          // The store's own check refused one reading the decoder let through (a clock edge):
          // that message is dead-lettered, the others are written.
          const [bad] = valid.splice(err.index, 1);
          refused.push({ message: bad.message, rejection: { code: err.reason, field: err.field, detail: err.detail } });
          continue;
        }
        if (err instanceof StorageUnavailableError) for (const o of err.outcomes) this.metrics.recordOutcome(kind, o);
        this.metrics.writeRetries.inc({ topic: source.label });
        const delay = this.backoff(attempts);
        this.logger.warn(
          `${source.topic}[${source.partition}] ${valid.length} readings not durable in any store (attempt ${attempts}): ${messageOf(err)}; retrying in ${delay} ms`,
        );
        if (!(await this.pause(delay, control))) {
          await firstLetters.catch(() => undefined);
          return { completed: false, stored: 0, rejected: 0, attempts };
        }
      }
    }
    const lettersOk = (await firstLetters) && (await this.deadLetter(source, refused, control));
    if (!lettersOk) return { completed: false, stored: result?.written ?? 0, rejected: 0, attempts };
    const rejected = messages.length - valid.length;
    this.metrics.ingested.inc({ topic: source.label }, valid.length);
    return { completed: true, stored: valid.length, rejected, attempts };
  }

  /** Publishes every refused message to `<topic>.dlq`, retrying until acknowledged. */
  private async deadLetter(source: Source, refused: { message: IngestMessage; rejection: Rejection }[], control: BatchControl): Promise<boolean> {
    let pending = refused;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const results = await Promise.allSettled(
        pending.map((r) =>
          this.deadLetters.publish(
            {
              topic: source.topic,
              partition: source.partition,
              offset: r.message.offset,
              key: r.message.key,
              value: r.message.value,
              ...(r.message.headers ? { headers: r.message.headers } : {}),
            },
            describeRejection(r.rejection),
          ),
        ),
      );
      const failed: typeof pending = [];
      results.forEach((res, i) => {
        if (res.status === 'fulfilled') this.metrics.rejected.inc({ topic: source.label, reason: pending[i].rejection.code });
        else failed.push(pending[i]);
      });
      if (failed.length === 0) return true;
      const delay = this.backoff(attempt);
      const reason = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      this.logger.warn(`${source.topic}[${source.partition}] ${failed.length} dead letters not acknowledged: ${messageOf(reason)}; retrying in ${delay} ms`);
      if (!(await this.pause(delay, control))) return false;
      pending = failed;
    }
    return true;
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
