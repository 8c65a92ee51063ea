import { ConfigValidationError, validateEnvironment } from './environment';

const valid = {
  POSTGRES_HOST: '127.0.0.1',
  POSTGRES_DB: 'smartgrid',
  POSTGRES_USER: 'smartgrid',
  POSTGRES_PASSWORD: 'secret',
  CASSANDRA_HOSTS: '127.0.0.1',
  CASSANDRA_KEYSPACE: 'smartgrid',
  MONGODB_HOST: '127.0.0.1',
  MONGODB_DB: 'smartgrid',
  KAFKA_BROKERS: '127.0.0.1:9092',
  JWT_SECRET: 'x'.repeat(32),
};

function problemsOf(env: Record<string, unknown>, sections = ['postgres', 'cassandra', 'mongo', 'kafka', 'auth'] as const): string[] {
  try {
    validateEnvironment(env, sections);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.variables;
    throw e;
  }
  return [];
}

describe('validateEnvironment', () => {
  it('accepts a complete environment and returns it unchanged', () => {
    expect(validateEnvironment(valid, ['postgres', 'cassandra', 'mongo', 'kafka', 'auth'])).toBe(valid);
  });

  it('names a missing variable', () => {
    const { POSTGRES_HOST: _omit, ...env } = valid;
    expect(problemsOf(env)).toEqual(['POSTGRES_HOST']);
  });

  it('treats an empty value as missing', () => {
    expect(problemsOf({ ...valid, KAFKA_BROKERS: '' })).toEqual(['KAFKA_BROKERS']);
  });

  it('names a malformed port and says what is expected', () => {
    try {
      validateEnvironment({ ...valid, CASSANDRA_PORT: 'abc' }, ['cassandra']);
      throw new Error('expected a ConfigValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      expect((e as Error).message).toContain('CASSANDRA_PORT');
      expect((e as Error).message).toMatch(/integer/);
    }
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ ...valid, POSTGRES_PORT: '70000', USE_CASSANDRA: 'maybe', JWT_SECRET: 'short' }).sort()).toEqual(
      ['JWT_SECRET', 'POSTGRES_PORT', 'USE_CASSANDRA'],
    );
  });

  it('only checks the sections an app requires', () => {
    expect(problemsOf({ KAFKA_BROKERS: '127.0.0.1:9092' }, ['kafka'] as never)).toEqual([]);
  });

  it('rejects a keyspace that is not a CQL identifier', () => {
    expect(problemsOf({ ...valid, CASSANDRA_KEYSPACE: 'Drop Table' })).toEqual(['CASSANDRA_KEYSPACE']);
  });

  it('accepts boolean spellings', () => {
    expect(problemsOf({ ...valid, USE_CASSANDRA: 'false', USE_MONGODB_AUDIT: '1' })).toEqual([]);
  });
});
