import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken, getModelToken, MongooseModule, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import { SmartgridConfigModule } from '@smartgrid/config';
import { MongoHealthIndicator, MongoModule } from '@smartgrid/mongo';
import { dropMongoDatabase, testEnv, TestEnv } from '@smartgrid/testing';
import { Connection, Model } from 'mongoose';

@Schema({ collection: 'probe_events' })
class ProbeEvent {
  @Prop({ required: true, index: true }) actor!: string;
  @Prop({ required: true }) action!: string;
  @Prop({ type: Object }) metadata?: Record<string, unknown>;
  @Prop({ required: true }) at!: Date;
}
const ProbeEventSchema = SchemaFactory.createForClass(ProbeEvent);

describe('MongoModule (real FerretDB/MongoDB)', () => {
  let env: TestEnv;
  let ctx: INestApplicationContext;

  beforeAll(async () => {
    env = testEnv();
    Object.assign(process.env, env);
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartgridConfigModule.forRoot({ require: ['mongo'] }),
        MongoModule.forRootAsync({ retryAttempts: 1 }),
        MongooseModule.forFeature([{ name: ProbeEvent.name, schema: ProbeEventSchema }]),
      ],
    }).compile();
    moduleRef.useLogger(['error', 'warn']);
    ctx = await moduleRef.init();
  });

  afterAll(async () => {
    await ctx?.close();
    await dropMongoDatabase(env);
  });

  it('connects to the test database', () => {
    const conn = ctx.get<Connection>(getConnectionToken());
    expect(conn.readyState).toBe(1);
    expect(conn.db?.databaseName).toBe(env.MONGODB_DB);
  });

  it('writes and reads back a document with free-form metadata', async () => {
    const model = ctx.get<Model<ProbeEvent>>(getModelToken(ProbeEvent.name));
    const at = new Date('2026-11-26T10:00:00.000Z');
    await model.create({ actor: 'alice', action: 'login', metadata: { ip: '127.0.0.1', tags: ['a', 'b'] }, at });
    const found = await model.findOne({ actor: 'alice' }).lean().exec();
    expect(found).toMatchObject({ action: 'login', metadata: { ip: '127.0.0.1', tags: ['a', 'b'] }, at });
  });

  it('built the indexes declared on the schema', async () => {
    const model = ctx.get<Model<ProbeEvent>>(getModelToken(ProbeEvent.name));
    await model.init();
    const indexes = await model.collection.indexes();
    expect(indexes.map((i) => i.key)).toEqual(expect.arrayContaining([{ actor: 1 }]));
  });

  it('reports healthy after a real ping', async () => {
    const result = await ctx.get(MongoHealthIndicator).isHealthy('mongodb');
    expect(result.mongodb.status).toBe('up');
    expect(typeof result.mongodb.responseTime).toBe('number');
  });
});
