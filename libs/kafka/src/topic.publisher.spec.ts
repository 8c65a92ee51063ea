import { Test } from '@nestjs/testing';
import { kafkaConfig } from '@smartgrid/config';
import { AuditEventsPublisher } from './audit-events.publisher';
import { GridEventsPublisher } from './grid-events.publisher';
import { KAFKA_PRODUCER } from './kafka.constants';
import { TokenRevocationsPublisher } from './security/token-revocations.topic';

describe('TopicPublisher', () => {
  it('gives each publisher the shared producer and its own prefixed topic, acks from all replicas', async () => {
    const sent: { topic: string; acks?: number; messages: { key?: unknown }[] }[] = [];
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: KAFKA_PRODUCER, useValue: { send: async (r: (typeof sent)[number]) => void sent.push(r) } },
        { provide: kafkaConfig.KEY, useValue: { topicPrefix: 'p1.' } },
        AuditEventsPublisher,
        GridEventsPublisher,
        TokenRevocationsPublisher,
      ],
    }).compile();
    await moduleRef.get(AuditEventsPublisher).publish({ actor: 'a', action: 'x.y', resource: 'r/1' });
    await moduleRef.get(GridEventsPublisher).publish([
      { eventId: 'e1', sourceId: 'S-1', type: 't', severity: 'minor', status: 'raised', timestamp: new Date(0), details: {} },
    ]);
    await moduleRef.get(TokenRevocationsPublisher).publish([{ kind: 'user', userId: 'u1', minTokenVersion: 2, reason: 'logout', revokedAt: new Date(0).toISOString() }]);
    expect(sent.map((s) => [s.topic, s.acks, s.messages.length])).toEqual([
      ['p1.audit-events', -1, 1],
      ['p1.grid-events', -1, 1],
      ['p1.token-revocations', -1, 1],
    ]);
    expect(sent[1]!.messages[0]!.key).toBe('S-1');
  });
});
