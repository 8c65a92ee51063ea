import { applyReadinessRules, ProbeResult } from './readiness.rules';

const up: ProbeResult = { status: 'up' };
const down = (message: string): ProbeResult => ({ status: 'down', message });

describe('applyReadinessRules', () => {
  const dataProcessing = { requireOneOf: [['postgres', 'cassandra'], ['kafka']] };
  const userManagement = { requireOneOf: [['postgres'], ['kafka']] };

  it('keeps every probe as it is when all are up', () => {
    const r = applyReadinessRules({ postgres: up, cassandra: up, kafka: up }, dataProcessing);
    expect(r).toEqual({ postgres: up, cassandra: up, kafka: up });
  });

  it('reports a store the other one covers for as degraded, naming the fallback', () => {
    const r = applyReadinessRules({ postgres: up, cassandra: down('connect ECONNREFUSED'), kafka: up }, dataProcessing);
    expect(r.cassandra).toEqual({ status: 'degraded', message: 'connect ECONNREFUSED', fallback: ['postgres'] });
    expect(r.postgres).toEqual(up);
  });

  it('keeps both stores down when neither is up (the instance cannot serve)', () => {
    const r = applyReadinessRules({ postgres: down('a'), cassandra: down('b'), kafka: up }, dataProcessing);
    expect(r.postgres!.status).toBe('down');
    expect(r.cassandra!.status).toBe('down');
  });

  it('keeps a hard requirement down', () => {
    const r = applyReadinessRules({ postgres: up, cassandra: up, kafka: down('no broker') }, dataProcessing);
    expect(r.kafka).toEqual(down('no broker'));
  });

  it('treats a probe that belongs to no group as optional', () => {
    const r = applyReadinessRules({ postgres: up, mongodb: down('timeout'), kafka: up }, userManagement);
    expect(r.mongodb).toEqual({ status: 'degraded', message: 'timeout', optional: true });
    const pgDown = applyReadinessRules({ postgres: down('x'), mongodb: up, kafka: up }, userManagement);
    expect(pgDown.postgres!.status).toBe('down');
  });
});
