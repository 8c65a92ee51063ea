import type { Producer, ProducerRecord } from 'kafkajs';
import { DeadLetterPublisher } from './dead-letter.publisher';

describe('DeadLetterPublisher', () => {
  it('sends the original key and bytes to <topic>.dlq with reason and source headers', async () => {
    const sent: ProducerRecord[] = [];
    const producer = { send: async (r: ProducerRecord) => sent.push(r) } as unknown as Producer;
    const value = Buffer.from([0x7b, 0xff, 0x00]); // not even valid UTF-8: must pass through untouched

    await new DeadLetterPublisher(producer).publish(
      { topic: 'p.sensor-data', partition: 2, offset: '41', key: Buffer.from('S-1'), value, headers: { trace: 'abc' } },
      'value is not JSON',
    );

    expect(sent).toHaveLength(1);
    const [record] = sent;
    expect(record.topic).toBe('p.sensor-data.dlq');
    expect(record.acks).toBe(-1);
    const [message] = record.messages;
    expect(message.key).toEqual(Buffer.from('S-1'));
    expect(message.value).toBe(value);
    expect(message.headers).toMatchObject({
      trace: 'abc',
      'x-dlq-reason': 'value is not JSON',
      'x-source-topic': 'p.sensor-data',
      'x-source-partition': '2',
      'x-source-offset': '41',
    });
    expect(new Date(String(message.headers?.['x-failed-at'])).getTime()).not.toBeNaN();
  });

  it('propagates send failures so the caller does not commit', async () => {
    const producer = { send: () => Promise.reject(new Error('broker down')) } as unknown as Producer;
    await expect(
      new DeadLetterPublisher(producer).publish({ topic: 't', partition: 0, offset: '0', key: null, value: null }, 'x'),
    ).rejects.toThrow('broker down');
  });
});
