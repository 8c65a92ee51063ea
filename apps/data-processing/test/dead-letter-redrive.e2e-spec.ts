import { DLQ_HEADERS, KAFKA_ADMIN, KAFKA_CLIENT } from '@smartgrid/kafka';
import { waitFor } from '@smartgrid/testing';
import type { Admin, Kafka } from 'kafkajs';
import { listDeadLetters, redriveDeadLetters } from '../src/cli/dead-letters.commands';
import { main as storageCli } from '../src/cli/storage-cli.main';
import { readAuditEvents } from './support/audit-events';
import { Harness, startHarness } from './support/harness';
import { sensorMessage } from './support/malformed-corpus';

/**
 * Dead letters listed exactly (by reason, with samples; the offset span includes transaction
 * markers) and redriven once their cause is fixed: dead letters of `unknown_field` (written by
 * a decoder that refused unknown fields; today's keeps them in metadata) pass validation now
 * and are stored; one that still fails stays dead with its new reason; --reason and --since
 * select what is redriven.
 */
describe('dead-letter list and redrive (real servers)', () => {
  let h: Harness;
  let kafka: Kafka;
  let admin: Admin;
  let prefix: string;
  const ts = (minutesAgo: number): string => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const dlqTopic = (): string => h.topic('sensor-data.dlq');
  const oldDeadLetter = (id: string, body: Record<string, unknown>, reason: string, failedAt = new Date().toISOString()) => ({
    key: id,
    value: JSON.stringify(body),
    headers: { [DLQ_HEADERS.reason]: reason, [DLQ_HEADERS.sourceTopic]: h.topic('sensor-data'), [DLQ_HEADERS.sourcePartition]: '0', [DLQ_HEADERS.sourceOffset]: '7', [DLQ_HEADERS.failedAt]: failedAt },
  });

  beforeAll(async () => {
    h = await startHarness();
    kafka = h.app.get<Kafka>(KAFKA_CLIENT);
    admin = h.app.get<Admin>(KAFKA_ADMIN);
    prefix = h.stack.env.KAFKA_TOPIC_PREFIX;
    // Two real dead letters, written by the running consumer in its Kafka transactions.
    await h.produce('sensor-data', [
      { key: 'RD-BAD-1', value: JSON.stringify({ ...sensorMessage('RD-BAD-1', 'yesterday') }) },
      { key: 'RD-BAD-2', value: JSON.stringify({ ...sensorMessage('RD-BAD-2', ts(5)), value: 'high' }) },
    ]);
    // Dead letters an older version left behind: refused for unknown fields.
    await h.producer.send({
      topic: dlqTopic(),
      acks: -1,
      messages: [
        oldDeadLetter('RD-1', { ...sensorMessage('RD-1', ts(10)), rssi: -71 }, 'unknown_field: rssi: is not part of the message contract'),
        oldDeadLetter('RD-2', { ...sensorMessage('RD-2', ts(11)), rssi: -60 }, 'unknown_field: rssi: is not part of the message contract'),
        oldDeadLetter('RD-3', { ...sensorMessage('RD-3', ts(12)), 'fw.build': 7 }, 'unknown_field: fw.build: is not part of the message contract'),
        oldDeadLetter('RD-OLD', { ...sensorMessage('RD-OLD', ts(13)), rssi: -1 }, 'unknown_field: rssi: is not part of the message contract', '2026-01-01T00:00:00.000Z'),
      ],
    });
    // The consumer commits its dead letters in Kafka transactions: wait until both are visible.
    await waitFor(
      async () => (await listDeadLetters(kafka, admin, prefix, { topics: ['sensor-data.dlq'], samples: 0, reason: 'bad_format' }, () => undefined))[0]!.count === 1 &&
        (await listDeadLetters(kafka, admin, prefix, { topics: ['sensor-data.dlq'], samples: 0, reason: 'wrong_type' }, () => undefined))[0]!.count === 1,
      120_000,
      1000,
      'the consumer dead-lettered both invalid messages',
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists exact counts by reason, with samples; the offset span includes transaction markers', async () => {
    const [summary] = await listDeadLetters(kafka, admin, prefix, { topics: ['sensor-data.dlq'], samples: 2 }, () => undefined);
    expect(summary!.count).toBe(6);
    expect(summary!.offsetSpan).toBeGreaterThan(6); // the consumer's transactions left markers
    expect(summary!.byReason.map((g) => [g.code, g.count])).toEqual([
      ['unknown_field', 4],
      ['bad_format', 1],
      ['wrong_type', 1],
    ]);
    const unknown = summary!.byReason[0]!;
    expect(unknown.samples).toHaveLength(2);
    // Which two depends on the order the topic's partitions are read in.
    for (const sample of unknown.samples) {
      expect(sample).toMatchObject({ key: expect.stringMatching(/^RD-(1|2|3|OLD)$/), reason: expect.stringMatching(/^unknown_field: (rssi|fw\.build):/), source: `${h.topic('sensor-data')}[0]@7` });
    }
    const filtered = await listDeadLetters(kafka, admin, prefix, { topics: ['sensor-data.dlq'], samples: 0, reason: 'unknown_field', since: new Date(Date.now() - 3_600_000) }, () => undefined);
    expect(filtered[0]!.count).toBe(3);
  });

  it('redrives a fixed reason: those valid now are stored with their unknown fields in metadata, the rest stay dead with their new reason', async () => {
    const progress: string[] = [];
    const s = await redriveDeadLetters(kafka, admin, prefix, h.storage, 'sensor-data.dlq', { reason: 'unknown_field', since: new Date(Date.now() - 3_600_000) }, (l) => progress.push(l));
    expect(s).toMatchObject({ read: 6, selected: 3, stored: 2, expired: 0, stillDead: 1 });
    expect(s.stillDeadByReason).toEqual([{ code: 'bad_format', count: 1, samples: [expect.objectContaining({ key: 'RD-3', newReason: expect.stringContaining('fw.build') })] }]);
    expect(progress.length).toBeGreaterThan(0);
    const rows = await h.sql<{ sensor_id: string; rssi: number }>("SELECT d.sensor_id, (s.metadata->>'rssi')::int AS rssi FROM sensor_data d JOIN sensors s ON s.id = d.sensor_id WHERE d.sensor_id LIKE 'RD-%' ORDER BY 1");
    expect(rows).toEqual([
      { sensor_id: 'RD-1', rssi: -71 },
      { sensor_id: 'RD-2', rssi: -60 },
    ]);
    expect(await h.countReadings(['RD-1', 'RD-2'], 'cassandra', new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000))).toBe(2);
    // A second redrive changes nothing (idempotent writes); the dead letters stay in the topic.
    const again = await redriveDeadLetters(kafka, admin, prefix, h.storage, 'sensor-data.dlq', { reason: 'unknown_field', since: new Date(Date.now() - 3_600_000) }, () => undefined);
    expect(again).toMatchObject({ selected: 3, stored: 2, stillDead: 1 });
    expect(await h.sql("SELECT count(*)::int AS n FROM sensor_data WHERE sensor_id LIKE 'RD-%'")).toEqual([{ n: 2 }]);
  });

  it('through the CLI: prints counts by reason, and an audited redrive with a summary', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      expect(await storageCli(['dlq', 'list', '--topic', 'sensor-data.dlq'])).toBe(0);
      expect(await storageCli(['dlq', 'redrive', '--topic', 'sensor-data', '--reason', 'unknown_field'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const text = lines.join('');
    expect(text).toContain('sensor-data.dlq: 6 dead letters');
    expect(text).toMatch(/unknown_field\t4/);
    expect(text).toContain('selected 4, stored 3');
    expect(await h.sql("SELECT count(*)::int AS n FROM sensor_data WHERE sensor_id LIKE 'RD-%'")).toEqual([{ n: 3 }]);

    const seen = await readAuditEvents(h, (events) => events.some((e) => e.action === 'storage.dlq.redrive'), 'the redrive audit event');
    expect(seen.find((e) => e.action === 'storage.dlq.redrive')).toMatchObject({ actor: expect.stringMatching(/^cli:/), metadata: { reason: 'unknown_field', selected: 4, stored: 3, stillDead: 1 } });
  });
});
