import { DLQ_HEADERS } from '@smartgrid/kafka';
import { waitFor } from '@smartgrid/testing';
import { Consumer, KafkaMessage } from 'kafkajs';
import request from 'supertest';
import { Harness, json, startHarness } from './support/harness';
import { malformedCorpus, meterMessage, sensorMessage } from './support/malformed-corpus';

interface DeadLetter {
  topic: string;
  message: KafkaMessage;
}

const header = (m: KafkaMessage, name: string): string | undefined => m.headers?.[name]?.toString();

describe('dead-letter topics (real Kafka)', () => {
  let h: Harness;
  let dlqConsumer: Consumer;
  const letters: DeadLetter[] = [];

  beforeAll(async () => {
    h = await startHarness();
    dlqConsumer = h.kafka.consumer({ groupId: `${h.stack.env.KAFKA_TOPIC_PREFIX}dlq-reader`, maxWaitTimeInMs: 100 });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topics: [h.topic('sensor-data.dlq'), h.topic('meter-readings.dlq')], fromBeginning: true });
    await dlqConsumer.run({ eachMessage: async ({ topic, message }) => void letters.push({ topic, message }) });
  });

  afterAll(async () => {
    await dlqConsumer?.disconnect().catch(() => undefined);
    await h?.close();
  });

  it('sends every malformed message to <topic>.dlq with its reason, stores the valid ones between them, keeps consuming', async () => {
    const now = Date.now();
    const corpus = malformedCorpus(`${now}-`, now);
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    const base = Math.floor(now / 60_000) * 60_000 - 3_600_000;
    const sensorId = `S-OK-${now}`;
    const meterId = `M-OK-${now}`;
    const sensorOut = [];
    const meterOut = [];
    let si = 0;
    let mi = 0;
    // A valid reading before and after every bad one, in the same produce calls (same batches).
    for (const c of corpus) {
      const tag = { 'x-case': c.name };
      if (c.topic === 'sensor') {
        sensorOut.push({ key: sensorId, value: json(sensorMessage(sensorId, new Date(base + si++ * 1000).toISOString())) });
        sensorOut.push({ key: c.key, value: c.value, headers: tag });
      } else {
        meterOut.push({ key: meterId, value: json(meterMessage(meterId, 'C-OK', new Date(base + mi++ * 1000).toISOString(), 100 + mi)) });
        meterOut.push({ key: c.key, value: c.value, headers: tag });
      }
    }
    sensorOut.push({ key: sensorId, value: json(sensorMessage(sensorId, new Date(base + si++ * 1000).toISOString())) });
    await h.produce('sensor-data', sensorOut);
    await h.produce('meter-readings', meterOut);

    await waitFor(() => letters.length >= corpus.length, 90_000, 250, 'dead letters');
    expect(letters).toHaveLength(corpus.length);
    for (const c of corpus) {
      const letter = letters.find((l) => header(l.message, 'x-case') === c.name);
      expect({ case: c.name, found: letter !== undefined }).toEqual({ case: c.name, found: true });
      const m = letter!.message;
      const expectedTopic = h.topic(c.topic === 'sensor' ? 'sensor-data' : 'meter-readings');
      expect(letter!.topic).toBe(`${expectedTopic}.dlq`);
      const reason = header(m, DLQ_HEADERS.reason) ?? '';
      expect({ case: c.name, code: reason.split(':')[0] }).toEqual({ case: c.name, code: c.code });
      if (c.field) expect(reason).toContain(c.field);
      expect(header(m, DLQ_HEADERS.sourceTopic)).toBe(expectedTopic);
      expect(header(m, DLQ_HEADERS.sourcePartition)).toMatch(/^\d+$/);
      expect(header(m, DLQ_HEADERS.sourceOffset)).toMatch(/^\d+$/);
      // Original key and bytes, untouched.
      expect(m.key === null ? null : m.key.toString()).toBe(c.key);
      const original = c.value === null ? null : c.value;
      if (original === null || original.length === 0) expect(m.value === null || m.value.length === 0).toBe(true);
      else expect(Buffer.compare(m.value!, original)).toBe(0);
    }

    // The valid neighbours are stored.
    await waitFor(async () => (await h.sql('SELECT 1 FROM sensor_data WHERE sensor_id = $1', [sensorId])).length === si, 60_000, 250, 'valid sensors');
    await waitFor(async () => (await h.sql('SELECT 1 FROM meter_readings WHERE meter_id = $1', [meterId])).length === mi, 60_000, 250, 'valid meters');

    // Each exactly once (read_committed, as any DLQ reader sees them); the status shows the
    // topics' offset spans (letters plus one transaction marker per committed batch).
    for (const [logical, kind] of [['sensor-data', 'sensor'], ['meter-readings', 'meter']] as const) {
      const sources = letters
        .filter((l) => l.topic === h.topic(`${logical}.dlq`))
        .map((l) => `${String(l.message.headers?.['x-source-partition'])}/${String(l.message.headers?.['x-source-offset'])}`);
      expect(sources.length).toBe(corpus.filter((c) => c.topic === kind).length);
      expect(new Set(sources).size).toBe(sources.length);
    }
    const status = await request(h.baseUrl).get('/api/storage/status').set('Authorization', `Bearer ${h.tokens.viewer}`).expect(200);
    expect(status.body.deadLetters['sensor-data.dlq'].offsets).toBeGreaterThanOrEqual(corpus.filter((c) => c.topic === 'sensor').length);
    expect(status.body.deadLetters['meter-readings.dlq'].offsets).toBeGreaterThanOrEqual(corpus.filter((c) => c.topic === 'meter').length);
    // Nothing refused reached a store: no backlog, no quarantine.
    expect(status.body.backlog).toMatchObject({ entries: 0, rows: 0 });
    expect(status.body.quarantine).toMatchObject({ entries: 0, rows: 0 });
    const metrics = await request(h.baseUrl).get('/metrics').expect(200);
    expect(metrics.text).toContain('smartgrid_ingest_messages_rejected_total{topic="sensor-data",reason="invalid_json"} 4');

    // Still consuming afterwards.
    const later = `S-LATER-${now}`;
    await h.produce('sensor-data', [{ key: later, value: json(sensorMessage(later, new Date(base).toISOString())) }]);
    await waitFor(async () => (await h.sql('SELECT 1 FROM sensor_data WHERE sensor_id = $1', [later])).length === 1, 60_000);
  });
});
