import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { applyTestEnv, initModules } from './module.fixtures';

describe('applyTestEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('returns a test env with the overrides on top and writes it into process.env', () => {
    const env = applyTestEnv({ KAFKA_TOPIC_PARTITIONS: '3' });
    expect(env.KAFKA_TOPIC_PARTITIONS).toBe('3');
    expect(env.POSTGRES_DB).toMatch(/^sg/);
    expect({ db: process.env.POSTGRES_DB, partitions: process.env.KAFKA_TOPIC_PARTITIONS }).toEqual({ db: env.POSTGRES_DB, partitions: '3' });
  });
});

@Injectable()
class Probe implements OnModuleInit {
  initialised = false;
  onModuleInit(): void {
    this.initialised = true;
  }
}

@Module({ providers: [Probe] })
class ProbeModule {}

describe('initModules', () => {
  it('returns the initialised context of the given imports', async () => {
    const ctx = await initModules([ProbeModule]);
    try {
      expect(ctx.get(Probe).initialised).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
