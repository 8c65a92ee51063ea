import { EventEmitter } from 'events';
import type { Client } from 'cassandra-driver';
import { closeReplacedHostPools, shutdownCassandra } from './cassandra.connection';

describe('closeReplacedHostPools / shutdownCassandra', () => {
  it('drains a dropped host at once and closes it again when the client shuts down', async () => {
    const calls: string[] = [];
    const client = Object.assign(new EventEmitter(), {
      shutdown: async () => void calls.push('client.shutdown'),
    }) as unknown as Client;
    const host = { shutdown: async (wait: boolean) => void calls.push(`host.shutdown(${wait})`) };

    closeReplacedHostPools(client);
    client.emit('hostRemove', host);
    await shutdownCassandra(client);

    expect(calls).toEqual(['host.shutdown(true)', 'client.shutdown', 'host.shutdown(false)']);
  });

  it('is a plain shutdown for a client that never lost a host', async () => {
    const client = Object.assign(new EventEmitter(), { shutdown: jest.fn(async () => undefined) }) as unknown as Client;
    await shutdownCassandra(client);
    expect(client.shutdown).toHaveBeenCalledTimes(1);
  });
});
