import { Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiProperty, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MIN_ROLE_KEY, Role } from '@smartgrid/auth';
import { ApiRoute } from './api-routes.decorators';

class ThingView {
  @ApiProperty() id!: string;
}

@Controller('things')
class ThingsController {
  @Get()
  @ApiRoute(Role.Viewer, { summary: 'List things', ok: ThingView })
  list(): void {}

  @Post()
  @ApiRoute(Role.Operator, { summary: 'Make a thing', created: ThingView, description: 'The new thing' }, 400, { 409: 'Taken' })
  create(): void {}
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('ApiRoute', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    app = await NestFactory.create(ThingsModule, { logger: false });
    doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  });

  afterAll(async () => {
    await app.close();
  });

  it('sets the least role the guard checks', () => {
    expect(Reflect.getMetadata(MIN_ROLE_KEY, ThingsController.prototype.list)).toBe(Role.Viewer);
    expect(Reflect.getMetadata(MIN_ROLE_KEY, ThingsController.prototype.create)).toBe(Role.Operator);
  });

  it('documents the summary, a 200 body and a 403 naming the role', () => {
    const op = doc.paths['/things'].get!;
    expect(op.summary).toBe('List things');
    expect(Object.keys(op.responses).sort()).toEqual(['200', '403']);
    expect(op.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingView' } } } });
    expect(op.responses['403']).toMatchObject({ description: 'Role below viewer', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } });
  });

  it("documents a 201 body with its description, the 403 and the route's own errors", () => {
    const op = doc.paths['/things'].post!;
    expect(Object.keys(op.responses).sort()).toEqual(['201', '400', '403', '409']);
    expect(op.responses['201']).toMatchObject({ description: 'The new thing', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingView' } } } });
    expect(op.responses['400']).toMatchObject({ description: 'Invalid input; `fields` names each problem' });
    expect(op.responses['403']).toMatchObject({ description: 'Role below operator' });
    expect(op.responses['409']).toMatchObject({ description: 'Taken' });
  });
});
