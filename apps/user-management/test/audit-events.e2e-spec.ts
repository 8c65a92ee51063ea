import { DLQ_HEADERS } from '@smartgrid/kafka';
import { waitFor } from '@smartgrid/testing';
import { Admin, Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { AuditEventsService } from '../src/audit/audit-events.service';
import { AuditService } from '../src/audit/audit.service';
import { Harness, startHarness } from './support/user-management.harness';

interface Dead {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

describe('audit-events consumer (real servers)', () => {
  let h: Harness;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let dlqConsumer: Consumer;
  let topic: string;
  let groupId: string;
  const dead: Dead[] = [];

  beforeAll(async () => {
    h = await startHarness();
    const env = h.stack.env;
    topic = `${env.KAFKA_TOPIC_PREFIX}audit-events`;
    groupId = `${env.KAFKA_TOPIC_PREFIX}smartgrid-user-management`;
    kafka = new Kafka({ clientId: 'um-audit-events-test', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    dlqConsumer = kafka.consumer({ groupId: `${env.KAFKA_TOPIC_PREFIX}test-dlq-reader` });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        dead.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
      },
    });
  });
  afterAll(async () => {
    await dlqConsumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await h?.close();
  });

  const kafkaEntries = async (action: string) =>
    (await h.pg.query(`SELECT * FROM audit_log WHERE origin = 'kafka' AND action = $1 ORDER BY seq`, [action])).rows as {
      actor: string;
      resource: string;
      occurred_at: Date;
      request_id: string;
      details: Record<string, unknown>;
    }[];

  const committedUpTo = async (): Promise<number> => {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return t.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };

  it('turns each valid message into an audit entry with its metadata', async () => {
    await producer.send({
      topic,
      messages: [
        {
          key: 'data-processing',
          value: JSON.stringify({ actor: 'data-processing', action: 'storage.replay', resource: 'backlog:cassandra', timestamp: '2026-11-26T10:00:00.000Z', metadata: { replayed: 42, store: 'cassandra' } }),
        },
      ],
    });
    const [entry] = await waitFor(async () => {
      const rows = await kafkaEntries('storage.replay');
      return rows.length > 0 ? rows : null;
    }, 60_000, 250, 'entry from Kafka');
    expect(entry).toMatchObject({ actor: 'data-processing', resource: 'backlog:cassandra', details: { replayed: 42, store: 'cassandra' } });
    expect(entry.occurred_at.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(entry.request_id).toMatch(new RegExp(`^kafka:${topic.replace(/\./g, '\\.')}/\\d+/\\d+$`));
    await waitFor(async () => (await committedUpTo()) >= 1, 30_000, 250, 'offset committed');
  });

  it('dead-letters invalid messages with the original key and bytes, and keeps consuming', async () => {
    const bad = [
      { key: 'k-json', value: '{"actor": "x", ' },
      { key: 'k-missing', value: JSON.stringify({ action: 'a', resource: 'r', timestamp: '2026-11-26T10:00:00Z' }) },
      { key: 'k-type', value: JSON.stringify({ actor: 'x', action: 5, resource: 'r', timestamp: '2026-11-26T10:00:00Z' }) },
      { key: 'k-meta', value: JSON.stringify({ actor: 'x', action: 'a', resource: 'r', timestamp: '2026-11-26T10:00:00Z', metadata: { $set: 1 } }) },
    ];
    await producer.send({ topic, messages: bad.map((m) => ({ ...m, headers: { 'x-trace': 'abc' } })) });
    await producer.send({ topic, messages: [{ key: 'after', value: JSON.stringify({ actor: 'dp', action: 'after.bad', resource: 'r', timestamp: Date.now() }) }] });

    await waitFor(async () => dead.length >= bad.length, 60_000, 250, 'dead letters');
    await waitFor(async () => (await kafkaEntries('after.bad')).length === 1, 60_000, 250, 'valid message after the bad ones');
    for (const b of bad) {
      const d = dead.find((x) => x.key === b.key);
      expect(d).toBeDefined();
      expect(d?.value).toBe(b.value);
      expect(d?.headers[DLQ_HEADERS.sourceTopic]).toBe(topic);
      expect(Number(d?.headers[DLQ_HEADERS.sourcePartition])).toBeGreaterThanOrEqual(0);
      expect(Number(d?.headers[DLQ_HEADERS.sourceOffset])).toBeGreaterThanOrEqual(0);
      expect(d?.headers['x-trace']).toBe('abc');
    }
    const reason = (key: string) => dead.find((x) => x.key === key)?.headers[DLQ_HEADERS.reason];
    expect(reason('k-json')).toMatch(/^invalid_json/);
    expect(reason('k-missing')).toBe('required: actor: actor is required');
    expect(reason('k-type')).toMatch(/^wrong_type: action/);
    expect(reason('k-meta')).toMatch(/^bad_format: metadata\.\$set/);
    await waitFor(async () => (await committedUpTo()) >= 6, 30_000, 250, 'all offsets committed');
  });

  it('does not commit while the entry cannot be stored, and stores it once it can', async () => {
    const committed = await committedUpTo();
    // Hold the chain head: appends wait, as they would for an unreachable database.
    await h.pg.query('BEGIN');
    await h.pg.query('SELECT * FROM audit_chain_head FOR UPDATE');
    try {
      const holder = Number((await h.pg.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      await producer.send({ topic, messages: [{ key: 'held', value: JSON.stringify({ actor: 'dp', action: 'held.back', resource: 'r', timestamp: Date.now() }) }] });
      // The consumer has the message and its append waits on our lock: only now does
      // "not committed" say something (it is not merely "not delivered yet").
      await waitFor(
        async () => Number((await h.pg.query('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [holder])).rows[0].n) > 0,
        60_000,
        100,
        'consumer append blocked on the chain head',
      );
      expect(await committedUpTo()).toBe(committed);
      expect(await kafkaEntries('held.back')).toHaveLength(0);
    } finally {
      await h.pg.query('ROLLBACK');
    }
    await waitFor(async () => (await kafkaEntries('held.back')).length === 1, 60_000, 250, 'held entry stored');
    await waitFor(async () => (await committedUpTo()) === committed + 1, 30_000, 250, 'offset committed after storing');
  });

  it('redelivers a record whose write failed (the error reaches Kafka, nothing is skipped)', async () => {
    const audit = h.app.get(AuditService);
    const real = audit.recordOnce.bind(audit);
    let failures = 0;
    const spy = jest.spyOn(audit, 'recordOnce').mockImplementation(async (entries) => {
      if (entries[0]?.action === 'fails.once' && failures++ === 0) throw Object.assign(new Error('connection terminated unexpectedly'), { code: 'ECONNRESET' });
      return real(entries);
    });
    try {
      await producer.send({ topic, messages: [{ key: 'retry', value: JSON.stringify({ actor: 'dp', action: 'fails.once', resource: 'r', timestamp: Date.now() }) }] });
      await waitFor(async () => (await kafkaEntries('fails.once')).length === 1, 90_000, 250, 'record stored after a failed attempt');
      expect(failures).toBeGreaterThanOrEqual(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('stores a redelivered record once', async () => {
    const events = h.app.get(AuditEventsService);
    const record = { topic, partition: 0, offset: '999999', key: null, value: Buffer.from(JSON.stringify({ actor: 'dp', action: 'redelivered', resource: 'r', timestamp: Date.now() })) };
    expect(await events.handle(record)).toBe('stored');
    expect(await events.handle(record)).toBe('duplicate');
    expect(await kafkaEntries('redelivered')).toHaveLength(1);
  });

  it('dead-letters a record PostgreSQL refuses for good instead of retrying it forever', async () => {
    await h.pg.query(`ALTER TABLE audit_log ADD CONSTRAINT test_no_blocked CHECK (actor <> 'blocked')`);
    try {
      const events = h.app.get(AuditEventsService);
      const record = { topic, partition: 1, offset: '12345', key: Buffer.from('kb'), value: Buffer.from(JSON.stringify({ actor: 'blocked', action: 'x', resource: 'r', timestamp: Date.now() })) };
      expect(await events.handle(record)).toBe('dead_lettered');
      await waitFor(async () => dead.some((d) => d.key === 'kb'), 30_000, 250, 'store_rejected dead letter');
      expect(dead.find((d) => d.key === 'kb')?.headers[DLQ_HEADERS.reason]).toMatch(/^store_rejected/);
    } finally {
      await h.pg.query('ALTER TABLE audit_log DROP CONSTRAINT test_no_blocked');
    }
  });

  it('keeps the chain valid with Kafka entries in it', async () => {
    const token = await h.adminToken();
    const report = await h.http().get('/api/audit-logs/verify').set('Authorization', `Bearer ${token}`).expect(200);
    expect(report.body.valid).toBe(true);
    const metrics = (await h.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/smartgrid_audit_events_consumed_total\{outcome="dead_lettered"\} [1-9]/);
    expect(metrics).toMatch(/smartgrid_audit_entries_total\{origin="kafka"\} [1-9]/);
  });
});
