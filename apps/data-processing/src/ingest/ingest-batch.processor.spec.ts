import { Logger } from '@nestjs/common';
import { ReadingValidationError, StorageUnavailableError, WriteResult } from '@smartgrid/hybrid-storage';
import { DLQ_HEADERS } from '@smartgrid/kafka';
import type { SideOutput } from '@smartgrid/kafka';
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
    expired: 0,
    received: n,
    written: n,
    targets: ['postgres', 'cassandra'],
    outcomes: {
      postgres: { store: 'postgres', ok: true, latencyMs: 3, role: 'target' },
      cassandra: { store: 'cassandra', ok: true, latencyMs: 4, role: 'target' },
    },
    storedIn: ['postgres', 'cassandra'],
    backlog: [],
    quarantined: [],
    refused: [],
  };
}

/** The dead letters of an outcome as [source offset, reason code, key, value]. */
function letters(deadLetters: SideOutput[]): { offset: string; reason: string; key: string | null; value: string; topic: string }[] {
  return deadLetters.flatMap((o) =>
    o.messages.map((m) => ({
      topic: o.topic,
      offset: String(m.headers?.[DLQ_HEADERS.sourceOffset]),
      reason: String(m.headers?.[DLQ_HEADERS.reason]),
      key: m.key === null || m.key === undefined ? null : m.key.toString(),
      value: String(m.value),
    })),
  );
}

function setup(storeImpl: (readings: unknown[]) => Promise<WriteResult>) {
  const stored: unknown[][] = [];
  const storage = {
    storeSensorDataBatch: jest.fn(async (r: unknown[]) => {
      const res = await storeImpl(r);
      stored.push(r);
      return res;
    }),
    storeMeterReadingBatch: jest.fn(),
    getBacklogStatus: jest.fn(async () => ({ targets: {} })),
  };
  const registry = new Registry();
  const metrics = new IngestMetrics(registry, storage as never, { status: jest.fn(async () => ({ targets: {}, oldestAgeMs: null })) } as never);
  const settings = { ...readIngestSettings({}), retryInitialMs: 10, retryMaxMs: 20 };
  const processor = new IngestBatchProcessor(storage as never, metrics, settings);
  return { processor, storage, stored, registry };
}

const source = { topic: 'p.sensor-data', label: 'sensor-data', partition: 1 };
const control = { heartbeat: async () => undefined, shouldContinue: () => true };

describe('IngestBatchProcessor', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('stores the valid messages in one write and dead-letters the rest with their reasons', async () => {
    const t = setup(async (r) => okResult(r.length));
    const out = await t.processor.process('sensor', source, [msg(10, sensor('S-1'), 'S-1'), msg(11, 'garbage', 'S-1'), msg(12, sensor('S-2')), msg(13, { ...sensor('S-3'), value: 'x' })], control);
    expect(out).toMatchObject({ completed: true, stored: 2, rejected: 2, attempts: 1 });
    expect(t.storage.storeSensorDataBatch).toHaveBeenCalledTimes(1);
    expect((t.stored[0] as { sensorId: string }[]).map((r) => r.sensorId)).toEqual(['S-1', 'S-2']);
    const dl = letters(out.deadLetters);
    expect(dl.map((l) => [l.offset, l.reason.split(':')[0]])).toEqual([
      ['11', 'invalid_json'],
      ['13', 'wrong_type'],
    ]);
    expect(dl[0]).toMatchObject({ topic: 'p.sensor-data.dlq', key: 'S-1', value: 'garbage' });
    expect(out.deadLetters[0]!.messages[0]!.headers).toMatchObject({ [DLQ_HEADERS.sourceTopic]: 'p.sensor-data', [DLQ_HEADERS.sourcePartition]: '1' });
    const text = await t.registry.metrics();
    expect(text).toContain('smartgrid_ingest_messages_ingested_total{topic="sensor-data"} 2');
    expect(text).toContain('smartgrid_ingest_messages_rejected_total{topic="sensor-data",reason="invalid_json"} 1');
  });

  it('stores messages with unknown top-level fields (kept in metadata) and counts the fields by name', async () => {
    const t = setup(async (r) => okResult(r.length));
    const out = await t.processor.process('sensor', source, [msg(1, { ...sensor('S-1'), rssi: -70 }), msg(2, { ...sensor('S-2'), rssi: -60, metadata: { rssi: 1 } })], control);
    expect(out).toMatchObject({ completed: true, stored: 2, rejected: 0 });
    expect((t.stored[0] as { metadata: unknown }[]).map((r) => r.metadata)).toEqual([{ rssi: -70 }, { rssi: 1 }]);
    const text = await t.registry.metrics();
    expect(text).toContain('smartgrid_ingest_unknown_fields_total{topic="sensor-data",field="rssi",outcome="kept"} 1');
    expect(text).toContain('smartgrid_ingest_unknown_fields_total{topic="sensor-data",field="rssi",outcome="shadowed"} 1');
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
    expect(out).toMatchObject({ completed: false, deadLetters: [] });
  });

  it('returns no dead letters (nothing to produce) for a clean batch', async () => {
    const t = setup(async (r) => okResult(r.length));
    expect((await t.processor.process('sensor', source, [msg(1, sensor('S-1'))], control)).deadLetters).toEqual([]);
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
    expect(letters(out.deadLetters).map((l) => [l.offset, l.reason])).toEqual([['2', 'out_of_range: timestamp: is more than one day in the future']]);
  });

  it('dead-letters every message of a reading that no store would take (store_refused)', async () => {
    const t = setup(async (r) => ({
      ...okResult(r.length),
      refused: [{ id: 'S-2', timestamp: new Date(ts), reasons: { postgres: 'SQLSTATE 22P05', cassandra: 'could not encode' } }],
    }));
    const out = await t.processor.process('sensor', source, [msg(1, sensor('S-1')), msg(2, sensor('S-2', 5)), msg(3, sensor('S-2', 6))], control);
    expect(out).toMatchObject({ completed: true, stored: 1, rejected: 2 });
    expect(letters(out.deadLetters).map((l) => [l.offset, l.reason])).toEqual([
      ['2', 'store_refused: postgres: SQLSTATE 22P05; cassandra: could not encode'],
      ['3', 'store_refused: postgres: SQLSTATE 22P05; cassandra: could not encode'],
    ]);
    expect(await t.registry.metrics()).toContain('smartgrid_ingest_messages_rejected_total{topic="sensor-data",reason="store_refused"} 2');
  });
});
