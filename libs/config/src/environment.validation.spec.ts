import { generateKeyPairSync } from 'node:crypto';
import { ConfigValidationError, validateEnvironment } from './environment.validation';

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

  it('refuses a consumer session timeout the broker would refuse', () => {
    expect(problemsOf({ ...valid, KAFKA_SESSION_TIMEOUT_MS: '1000' })).toEqual(['KAFKA_SESSION_TIMEOUT_MS']);
    expect(problemsOf({ ...valid, KAFKA_SESSION_TIMEOUT_MS: '6000' })).toEqual([]);
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

  it('accepts explicit CORS origins and proxy settings, refuses a wildcard and "trust everything"', () => {
    expect(problemsOf({ ...valid, CORS_ORIGINS: 'https://grid.example.com, http://localhost:5173', TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toEqual([]);
    expect(problemsOf({ ...valid, TRUST_PROXY: '1' })).toEqual([]);
    expect(problemsOf({ ...valid, CORS_ORIGINS: '*', TRUST_PROXY: 'true' }).sort()).toEqual(['CORS_ORIGINS', 'TRUST_PROXY']);
    expect(problemsOf({ ...valid, CORS_ORIGINS: 'https://grid.example.com/path' })).toEqual(['CORS_ORIGINS']);
  });

  it('checks the metrics surface and body limit; empty means unset', () => {
    expect(problemsOf({ ...valid, METRICS_PORT: '9464', METRICS_HOST: '127.0.0.1', METRICS_TOKEN: 't'.repeat(32), HTTP_BODY_LIMIT_KB: '256' })).toEqual([]);
    expect(problemsOf({ ...valid, METRICS_PORT: '', METRICS_TOKEN: '' })).toEqual([]);
    expect(problemsOf({ ...valid, METRICS_PORT: 'x', METRICS_TOKEN: 'short', HTTP_BODY_LIMIT_KB: '0' }).sort()).toEqual(['HTTP_BODY_LIMIT_KB', 'METRICS_PORT', 'METRICS_TOKEN']);
  });

  it('names a migration role that is not a plain role name', () => {
    expect(problemsOf({ ...valid, POSTGRES_MIGRATION_USER: 'smartgrid_owner' })).toEqual([]);
    expect(problemsOf({ ...valid, POSTGRES_MIGRATION_USER: 'owner; DROP' })).toEqual(['POSTGRES_MIGRATION_USER']);
  });
});

describe('validateEnvironment: audit checkpoints', () => {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const problems = (env: Record<string, unknown>) => {
    try {
      validateEnvironment(env, ['audit']);
      return [];
    } catch (e) {
      return (e as ConfigValidationError).problems;
    }
  };

  it('takes an Ed25519 key as PEM (newlines as \\n too) or base64 DER, and names a wrong one without echoing it', () => {
    const pem = ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(problems({ AUDIT_CHECKPOINT_KEY: pem })).toEqual([]);
    expect(problems({ AUDIT_CHECKPOINT_KEY: pem.replace(/\n/g, '\\n') })).toEqual([]);
    expect(problems({ AUDIT_CHECKPOINT_KEY: ed.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') })).toEqual([]);
    const secret = rsa.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const found = problems({ AUDIT_CHECKPOINT_KEY: secret, AUDIT_CHECKPOINT_INTERVAL_SECONDS: '-1' });
    expect(found.map((p) => p.variable).sort()).toEqual(['AUDIT_CHECKPOINT_INTERVAL_SECONDS', 'AUDIT_CHECKPOINT_KEY']);
    expect(JSON.stringify(found)).not.toContain(secret.slice(20, 60));
  });
});
