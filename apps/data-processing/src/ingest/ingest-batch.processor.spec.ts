import { Logger } from '@nestjs/common';
import { ReadingValidationError, StorageUnavailableError, WriteResult } from '@smartgrid/hybrid-storage';
import type { DeadLetterPublisher, DeadLetterSource } from '@smartgrid/kafka';
import { Registry } from 'prom-client';
import { IngestMetrics } from '../metrics/ingest.metrics';
import { IngestBatchProcessor, IngestMessage } from './ingest-batch.processor';
import { readIngestSettings } from './ingest.settings';

const ts = new Date(Date.now() - 60_000).toISOString();
const msg = (offset: number, body: unknown, key: string | null = null): IngestMessage => ({
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const sensor = (id: string, value = 1): Record<string, unknown> => ({ sensor_id: id, sensor_type: 'voltage', value, timestamp: ts });

function okResult(n: number): WriteResult {
  return {
    kind: 'sensor',
    received: n,
    written: n,
    targets: ['postgres', 'cassandra'],
    outcomes: {
      postgres: { store: 'postgres', ok: true, latencyMs: 3, role: 'target' },
      cassandra: { store: 'cassandra', ok: true, latencyMs: 4, role: 'target' },
    },
    storedIn: ['postgres', 'cassandra'],
    backlog: [],
  };
}

function setup(storeImpl: (readings: unknown[]) => Promise<WriteResult>) {
  const stored: unknown[][] = [];
  const letters: { source: DeadLetterSource; reason: string }[] = [];
  const storage = {
    storeSensorDataBatch: jest.fn(async (r: unknown[]) => {
      const res = await storeImpl(r);
      stored.push(r);
      return res;
    }),
    storeMeterReadingBatch: jest.fn(),
    getBacklogStatus: jest.fn(async () => ({ targets: {} })),
  };
  const dlq = { publish: jest.fn(async (source: DeadLetterSource, reason: string) => void letters.push({ source, reason })) };
  const registry = new Registry();
  const metrics = new IngestMetrics(registry, storage as never);
  const settings = { ...readIngestSettings({}), retryInitialMs: 10, retryMaxMs: 20 };
  const processor = new IngestBatchProcessor(storage as never, dlq as unknown as DeadLetterPublisher, metrics, settings);
  return { processor, storage, dlq, stored, letters, registry };
}

const source = { topic: 'p.sensor-data', label: 'sensor-data', partition: 1 };
const control = { heartbeat: async () => undefined, shouldContinue: () => true };

describe('IngestBatchProcessor', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('stores the valid messages in one write and dead-letters the rest with their reasons', async () => {
    const t = setup(async (r) => okResult(r.length));
    const out = await t.processor.process('sensor', source, [msg(10, sensor('S-1'), 'S-1'), msg(11, 'garbage', 'S-1'), msg(12, sensor('S-2')), msg(13, { ...sensor('S-3'), value: 'x' })], control);
    expect(out).toEqual({ completed: true, stored: 2, rejected: 2, attempts: 1 });
    expect(t.storage.storeSensorDataBatch).toHaveBeenCalledTimes(1);
    expect((t.stored[0] as { sensorId: string }[]).map((r) => r.sensorId)).toEqual(['S-1', 'S-2']);
    expect(t.letters.map((l) => [l.source.offset, l.reason.split(':')[0]])).toEqual([
      ['11', 'invalid_json'],
      ['13', 'wrong_type'],
    ]);
    expect(t.letters[0].source).toMatchObject({ topic: 'p.sensor-data', partition: 1, key: Buffer.from('S-1'), value: Buffer.from('garbage') });
    const text = await t.registry.metrics();
    expect(text).toContain('smartgrid_ingest_messages_ingested_total{topic="sensor-data"} 2');
    expect(text).toContain('smartgrid_ingest_messages_rejected_total{topic="sensor-data",reason="invalid_json"} 1');
  });

  it('retries with backoff while no store can take the batch, then completes', async () => {
    let calls = 0;
    const t = setup(async (r) => {
      if (++calls < 3) throw new StorageUnavailableError('both down', [{ store: 'postgres', ok: false, latencyMs: 1, error: 'down', role: 'target' }]);
      return okResult(r.length);
    });
    const out = await t.processor.process('sensor', source, [msg(1, sensor('S-1'))], control);
    expect(out).toMatchObject({ completed: true, stored: 1, attempts: 3 });
    expect(await t.registry.metrics()).toContain('smartgrid_ingest_write_retries_total{topic="sensor-data"} 2');
  });

  it('gives up without completing when the consumer wants the partition back', async () => {
    let allowed = 3;
    const t = setup(async () => {
      throw new StorageUnavailableError('down', []);
    });
    const out = await t.processor.process('sensor', source, [msg(1, sensor('S-1'))], { heartbeat: async () => undefined, shouldContinue: () => --allowed > 0 });
    expect(out.completed).toBe(false);
  });

  it('dead-letters a reading the store refuses by index and writes the others', async () => {
    let first = true;
    const t = setup(async (r) => {
      if (first) {
        first = false;
        throw new ReadingValidationError('timestamp', 'out_of_range', 'is more than one day in the future', 1);
      }
      return okResult(r.length);
    });
    const out = await t.processor.process('sensor', source, [msg(1, sensor('S-1')), msg(2, sensor('S-2')), msg(3, sensor('S-3'))], control);
    expect(out).toMatchObject({ completed: true, stored: 2, rejected: 1 });
    expect(t.letters.map((l) => [l.source.offset, l.reason])).toEqual([['2', 'out_of_range: timestamp: is more than one day in the future']]);
  });

  it('does not complete until the dead-letter topic acknowledges', async () => {
    const t = setup(async (r) => okResult(r.length));
    let failures = 2;
    t.dlq.publish.mockImplementation(async () => {
      if (failures-- > 0) throw new Error('broker down');
    });
    const out = await t.processor.process('sensor', source, [msg(1, 'nope')], control);
    expect(out.completed).toBe(true);
    expect(t.dlq.publish).toHaveBeenCalledTimes(3);
  });
});
