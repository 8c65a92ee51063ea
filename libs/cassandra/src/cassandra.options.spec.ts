import { policies, types } from 'cassandra-driver';
import { assertCqlIdentifier, buildClientOptions, CassandraConfig, createKeyspaceCql } from './cassandra.options';

const cfg = (over: Partial<CassandraConfig> = {}): CassandraConfig => ({
  contactPoints: ['127.0.0.1'],
  port: 9042,
  keyspace: 'smartgrid',
  localDataCenter: 'datacenter1',
  user: undefined,
  password: undefined,
  replicationClass: 'SimpleStrategy',
  replicationFactor: 1,
  defaultTtlSeconds: 0,
  ...over,
});

describe('cassandra options', () => {
  it('creates the keyspace with SimpleStrategy and its factor', () => {
    expect(createKeyspaceCql(cfg({ replicationFactor: 3 }))).toBe(
      "CREATE KEYSPACE IF NOT EXISTS smartgrid WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3} AND durable_writes = true",
    );
  });

  it('creates the keyspace with NetworkTopologyStrategy in the local data centre', () => {
    expect(createKeyspaceCql(cfg({ replicationClass: 'NetworkTopologyStrategy', localDataCenter: 'dc-east', replicationFactor: 2 }))).toContain(
      "{'class': 'NetworkTopologyStrategy', 'dc-east': 2}",
    );
  });

  it('never interpolates an unsafe keyspace name', () => {
    expect(() => createKeyspaceCql(cfg({ keyspace: 'x; DROP KEYSPACE y' }))).toThrow(/Invalid Cassandra keyspace/);
    expect(() => assertCqlIdentifier('Upper')).toThrow();
    expect(assertCqlIdentifier('ok_1')).toBe('ok_1');
  });

  it('reconnects on a short constant schedule and sets port, keyspace and credentials', () => {
    const opts = buildClientOptions(cfg({ user: 'u', password: 'p' }), { reconnectDelayMs: 750 }, 'ks');
    expect(opts.keyspace).toBe('ks');
    expect(opts.protocolOptions?.port).toBe(9042);
    expect(opts.credentials).toEqual({ username: 'u', password: 'p' });
    const reconnection = opts.policies?.reconnection;
    expect(reconnection).toBeInstanceOf(policies.reconnection.ConstantReconnectionPolicy);
    expect(reconnection?.newSchedule().next().value).toBe(750);
    expect(opts.queryOptions?.consistency).toBe(types.consistencies.localQuorum);
    expect(buildClientOptions(cfg()).credentials).toBeUndefined();
    expect(buildClientOptions(cfg()).keyspace).toBeUndefined();
  });
});
