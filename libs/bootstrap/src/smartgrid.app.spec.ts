import { Controller, DynamicModule, Get, INestApplication, Module } from '@nestjs/common';
import { ConfigValidationError, SmartgridConfigModule } from '@smartgrid/config';
import request from 'supertest';
import { createSmartgridApp, SmartgridAppSpec, startSmartgridApp } from './smartgrid.app';

@Controller('api')
class PingController {
  @Get('ping') ping() {
    return { pong: true };
  }
}

@Module({})
class TinyModule {
  static register(): DynamicModule {
    return { module: TinyModule, imports: [SmartgridConfigModule.forRoot({ require: [] })], controllers: [PingController] };
  }
}

const spec: SmartgridAppSpec = {
  name: 'tiny',
  module: () => TinyModule.register(),
  requiredConfig: [],
  openApi: { title: 'smartgrid tiny', description: 'a test app' },
};

// Swagger UI and Nest load slowly on a busy 2-core machine.
jest.setTimeout(30_000);

describe('createSmartgridApp / startSmartgridApp', () => {
  const saved = { ...process.env };
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    process.env = { ...saved };
  });

  it('refuses a malformed variable before Nest starts, naming it', async () => {
    const failure = await createSmartgridApp(spec, { env: { PORT: 'eighty' }, logger: false }).then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigValidationError);
    expect((failure as ConfigValidationError).variables).toEqual(['PORT']);
  });

  it('applies env (undefined removes a variable), mounts OpenAPI and starts on the given port', async () => {
    process.env.SMARTGRID_TEST_REMOVED = 'x';
    app = await createSmartgridApp(spec, { env: { SMARTGRID_TEST_ADDED: 'y', SMARTGRID_TEST_REMOVED: undefined }, logger: false });
    expect(process.env.SMARTGRID_TEST_ADDED).toBe('y');
    expect(process.env.SMARTGRID_TEST_REMOVED).toBeUndefined();
    const port = await startSmartgridApp(app, 0);
    expect(port).toBeGreaterThan(0);
    const doc = await request(`http://127.0.0.1:${port}`).get('/docs-json').expect(200);
    expect(doc.body.info.title).toBe('smartgrid tiny');
    expect(Object.keys(doc.body.paths)).toContain('/api/ping');
    await request(`http://127.0.0.1:${port}`).get('/api/ping').expect(200, { pong: true });
  });

  it('attaches the Kafka strategy the spec returns, and none when it returns undefined', async () => {
    const calls: INestApplication[] = [];
    app = await createSmartgridApp({ ...spec, kafka: (a) => (calls.push(a), undefined) }, { logger: false });
    expect(calls).toEqual([app]);
    expect(app.getMicroservices()).toHaveLength(0);
  });
});
