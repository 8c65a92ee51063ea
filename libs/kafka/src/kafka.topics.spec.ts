import type { Admin } from 'kafkajs';
import { ensureTopics, withDlqTwins } from './topic.admin';
import { dlqTopic, prefixedTopic, TOPICS } from './kafka.topics';

describe('topic names', () => {
  it('follow the contract', () => {
    expect(TOPICS).toEqual({ sensorData: 'sensor-data', meterReadings: 'meter-readings', auditEvents: 'audit-events', gridEvents: 'grid-events' });
    expect(dlqTopic(TOPICS.sensorData)).toBe('sensor-data.dlq');
    expect(prefixedTopic('t1.', TOPICS.auditEvents)).toBe('t1.audit-events');
    expect(prefixedTopic('', TOPICS.auditEvents)).toBe('audit-events');
  });

  it('pair each topic with its dead-letter twin once', () => {
    expect(withDlqTwins(['a', 'b', 'a'])).toEqual(['a', 'a.dlq', 'b', 'b.dlq']);
  });
});

describe('ensureTopics', () => {
  function fakeAdmin(existing: string[]) {
    const created: unknown[] = [];
    const admin = {
      listTopics: async () => existing,
      createTopics: async (req: unknown) => {
        created.push(req);
        return true;
      },
      fetchTopicMetadata: async () => ({ topics: [] }),
    } as unknown as Admin;
    return { admin, created };
  }

  it('creates only the missing topics with the configured partitions', async () => {
    const { admin, created } = fakeAdmin(['a']);
    expect(await ensureTopics(admin, ['a', 'a.dlq'], 3)).toEqual(['a.dlq']);
    expect(created).toEqual([{ topics: [{ topic: 'a.dlq', numPartitions: 3 }], waitForLeaders: true }]);
  });

  it('does nothing when all exist', async () => {
    const { admin, created } = fakeAdmin(['a', 'a.dlq']);
    expect(await ensureTopics(admin, ['a', 'a.dlq'], 3)).toEqual([]);
    expect(created).toEqual([]);
  });
});
