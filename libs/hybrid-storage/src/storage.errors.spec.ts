import { NotReadyError, StoreNotReadyError } from './storage.errors';

describe('NotReadyError', () => {
  class QueueNotReadyError extends NotReadyError<'queue'> {}

  it('names the store and the reason, and takes the name of its own class', () => {
    const e = new StoreNotReadyError('cassandra', 'connecting');
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('cassandra is not ready: connecting');
    expect(e.name).toBe('StoreNotReadyError');
    expect(e.store).toBe('cassandra');
    expect(String(e)).toBe('StoreNotReadyError: cassandra is not ready: connecting');
  });

  it('keeps each family apart: one family is not another', () => {
    const e = new QueueNotReadyError('queue', 'schema not applied');
    expect(e.name).toBe('QueueNotReadyError');
    expect(e).toBeInstanceOf(NotReadyError);
    expect(e).not.toBeInstanceOf(StoreNotReadyError);
    expect(new StoreNotReadyError('postgres', 'x')).not.toBeInstanceOf(QueueNotReadyError);
  });
});
