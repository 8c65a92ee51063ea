import { runStack, waitFor } from '@smartgrid/testing';
import { Harness, json, startHarness } from '../../apps/data-processing/test/support/harness';
import { sensorMessage } from '../../apps/data-processing/test/support/malformed-corpus';

/**
 * A hung store (not a dead one): Cassandra is frozen with SIGSTOP for longer than the consumer
 * group's session timeout while readings arrive. Writes to it time out, PostgreSQL carries
 * them with a backlog, and the consumer keeps its group membership throughout (heartbeats go
 * on while a batch waits on the store): the same member owns the partitions before and after,
 * no rebalance loop. After SIGCONT everything converges in both stores.
 */
describe('fault: Cassandra hangs (SIGSTOP) for longer than the session timeout', () => {
  let h: Harness;
  let pid: number | undefined;
  const now = Date.now();
  const ids = [0, 1, 2, 3].map((i) => `HS-${i}-${now}`);
  const HANG_MS = 40_000;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGCONT');
    await h?.close();
  });

  async function members(): Promise<string[]> {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`${h.stack.env.KAFKA_TOPIC_PREFIX}smartgrid-data-processing`]);
      return groups[0]!.members.map((m) => m.memberId).sort();
    } finally {
      await admin.disconnect();
    }
  }

  const count = (source: 'postgres' | 'cassandra'): Promise<number> => h.countReadings(ids, source, new Date(now - 7_200_000), new Date(now + 60_000));

  it('keeps its group membership while the store hangs, and converges after', async () => {
    const before = await members();
    expect(before).toHaveLength(1);
    const { output } = runStack(['pid', 'cassandra']);
    pid = Number(output.trim().split('\n').pop());
    expect(Number.isInteger(pid)).toBe(true);

    process.kill(pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    // Readings arrive in several waves while the store is frozen.
    for (let wave = 0; wave < 4; wave++) {
      await h.produce(
        'sensor-data',
        ids.flatMap((id) => Array.from({ length: 10 }, (_, i) => ({ key: id, value: json(sensorMessage(id, new Date(now - 3_600_000 + (wave * 10 + i) * 60_000).toISOString(), wave * 10 + i)) }))),
      );
      await new Promise((r) => setTimeout(r, 5000));
    }
    await waitFor(async () => (await count('postgres')) === 160, 60_000, 1000, 'readings in PostgreSQL while Cassandra hangs');
    await new Promise((r) => setTimeout(r, Math.max(0, HANG_MS - (Date.now() - stoppedAt))));
    // Still the same member: no session timeout, no rebalance while the store was frozen.
    expect(await members()).toEqual(before);

    process.kill(pid, 'SIGCONT');
    pid = undefined;
    await waitFor(async () => (await count('cassandra')) === 160, 180_000, 1000, 'readings replayed into Cassandra');
    expect(await count('postgres')).toBe(160);
    expect(await members()).toEqual(before);
  });
});
