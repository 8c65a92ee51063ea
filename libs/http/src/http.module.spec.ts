import { Body, Controller, Get, INestApplication, Post, ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import { SmartgridHttpModule } from './http.module';
import { ReqMeta, RequestMeta } from './request-meta.decorator';

class Inner {
  @IsString() @MaxLength(5) code!: string;
}
class CreateThing {
  @IsString() @MaxLength(10) name!: string;
  @IsInt() @Min(1) count!: number;
  @ValidateNested() @Type(() => Inner) inner!: Inner;
}

@Controller('things')
class ThingsController {
  @Post() create(@Body() body: CreateThing) {
    return { isInstance: body instanceof CreateThing, body };
  }
  @Get('meta') meta(@ReqMeta() meta: RequestMeta) {
    return meta;
  }
  @Get('report') report(): never {
    throw new ServiceUnavailableException({ status: 'error', details: { db: { status: 'down' } } });
  }
  @Get('boom') boom(): never {
    throw new Error('secret internal detail');
  }
}

describe('SmartgridHttpModule', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const m = await Test.createTestingModule({ imports: [SmartgridHttpModule], controllers: [ThingsController] }).compile();
    app = m.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());
  const post = (body: string) => request(app.getHttpServer()).post('/things').set('Content-Type', 'application/json').send(body);

  it('accepts a valid body as an instance of the DTO', async () => {
    const res = await post(JSON.stringify({ name: 'a', count: 2, inner: { code: 'x' } })).expect(201);
    expect(res.body.isInstance).toBe(true);
  });

  it('answers malformed JSON with 400 naming the body', async () => {
    const res = await post('{"name": "a",').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.fields[0].field).toBe('body');
  });

  it('names each wrong-typed, oversized, nested or unknown field', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(11), count: 'two', inner: { code: 'toolong' }, extra: 1 })).expect(400);
    const fields = (res.body.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['count', 'extra', 'inner.code', 'name']);
    expect(res.body.message).toContain('name');
  });

  it('gives every request an id, keeping an acceptable caller id', async () => {
    const own = await request(app.getHttpServer()).get('/things/meta').set('X-Request-Id', 'abc-123').expect(200);
    expect(own.body.requestId).toBe('abc-123');
    expect(own.headers['x-request-id']).toBe('abc-123');
    const bad = await request(app.getHttpServer()).get('/things/meta').set('X-Request-Id', 'bad id\twith tab').expect(200);
    expect(bad.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.body.clientAddress).toBeTruthy();
  });

  it('hides internal errors behind a generic 500 with the request id', async () => {
    const res = await request(app.getHttpServer()).get('/things/boom').set('X-Request-Id', 'r-1').expect(500);
    expect(res.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', requestId: 'r-1' });
  });

  it('passes through deliberate bodies without a message (health reports)', async () => {
    const res = await request(app.getHttpServer()).get('/things/report').expect(503);
    expect(res.body).toEqual({ status: 'error', details: { db: { status: 'down' } } });
  });

  it('keeps the shape for 404s', async () => {
    const res = await request(app.getHttpServer()).get('/nope').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
