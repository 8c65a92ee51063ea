import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { SmartgridConfigModule } from '@smartgrid/config';
import request from 'supertest';
import { AuthModule } from './auth.module';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AuthPrincipal, PRINCIPAL_RESOLVER, PrincipalResolver } from './principal.model';
import { TokenRevocationList } from './revocation.list';
import { Role } from './role.enum';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from './token.service';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';

@Controller()
class ProbeController {
  @Get('api/any') any(@CurrentUser() user: AuthPrincipal) {
    return user;
  }
  @Get('api/operator') @Roles(Role.Operator) operator() {
    return { ok: true };
  }
  @Get('api/admin') @Roles(Role.Admin) admin() {
    return { ok: true };
  }
  @Get('api/open') @Public() open() {
    return { ok: true };
  }
  @Get('health/ready') health() {
    return { status: 'ok' };
  }
  @Get('healthz') notOpen() {
    return { ok: true };
  }
}

const disabled = new Set<string>();
class FakeResolver implements PrincipalResolver {
  async resolve(p: AuthPrincipal): Promise<AuthPrincipal | null> {
    return disabled.has(p.userId) ? null : p;
  }
}
@Module({ providers: [{ provide: PRINCIPAL_RESOLVER, useClass: FakeResolver }], exports: [PRINCIPAL_RESOLVER] })
class ResolverModule {}

describe('JwtAuthGuard', () => {
  let app: INestApplication;
  let tokens: TokenService;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.JWT_SECRET = SECRET;
    process.env.JWT_TTL_SECONDS = '60';
    const moduleRef = await Test.createTestingModule({
      imports: [SmartgridConfigModule.forRoot({ require: ['auth'] }), AuthModule.forRootAsync(), ResolverModule],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    tokens = app.get(TokenService);
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  const tokenFor = async (role: Role, userId = 'u-1') => (await tokens.issue({ userId, username: `user-${role}`, role })).accessToken;

  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const res = await request(app.getHttpServer()).get('/api/any').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses a forged token (other secret) and an expired one', async () => {
    const forged = await new JwtService({ secret: 'another-secret-that-is-long-enough-000000' }).signAsync(
      { username: 'x', role: 'admin' },
      { subject: 'u-1', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, expiresIn: 60 },
    );
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${forged}`).expect(401);
    const expired = await new JwtService({ secret: SECRET }).signAsync(
      { username: 'x', role: 'admin', exp: Math.floor(Date.now() / 1000) - 10 },
      { subject: 'u-1', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
    );
    const res = await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(res.body.message).toMatch(/expired/);
  });

  it('refuses an unsigned ("alg: none") token', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u-1', username: 'x', role: 'admin', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: 9999999999 })}.`;
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${none}`).expect(401);
  });

  it('enforces the least role and lets higher roles through', async () => {
    const viewer = await tokenFor(Role.Viewer);
    const operator = await tokenFor(Role.Operator);
    const admin = await tokenFor(Role.Admin);
    const get = (path: string, t: string) => request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${t}`);
    await get('/api/any', viewer).expect(200);
    await get('/api/operator', viewer).expect(403);
    await get('/api/operator', operator).expect(200);
    await get('/api/operator', admin).expect(200);
    await get('/api/admin', operator).expect(403);
    await get('/api/admin', admin).expect(200);
  });

  it('exposes the principal to the handler', async () => {
    const res = await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${await tokenFor(Role.Operator, 'u-9')}`).expect(200);
    expect(res.body).toEqual({ userId: 'u-9', username: 'user-operator', role: 'operator' });
  });

  it('leaves @Public routes and open paths open, and only whole path segments', async () => {
    await request(app.getHttpServer()).get('/api/open').expect(200);
    await request(app.getHttpServer()).get('/health/ready').expect(200);
    await request(app.getHttpServer()).get('/healthz').expect(401);
  });

  it('asks the bound PrincipalResolver and refuses when it returns null', async () => {
    const t = await tokenFor(Role.Admin, 'u-disabled');
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${t}`).expect(200);
    disabled.add('u-disabled');
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${t}`).expect(401);
  });

  it('refuses a revoked token (its jti, or a user version raised past it) and fails closed while revocations load', async () => {
    const list = app.get(TokenRevocationList);
    const issued = await tokens.issue({ userId: 'u-rev', username: 'rev', role: Role.Viewer }, { tokenVersion: 2 });
    const verified = await tokens.verify(issued.accessToken);
    expect(verified).toMatchObject({ tokenVersion: 2, jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const call = () => request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${issued.accessToken}`);
    await call().expect(200);
    list.apply({ kind: 'token', jti: verified.jti!, userId: 'u-rev', expiresAt: verified.expiresAt.toISOString(), revokedAt: new Date().toISOString() });
    const revoked = await call().expect(401);
    expect(revoked.body.message).toMatch(/revoked/);
    const second = await tokens.issue({ userId: 'u-rev', username: 'rev', role: Role.Viewer }, { tokenVersion: 2 });
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${second.accessToken}`).expect(200);
    list.apply({ kind: 'user', userId: 'u-rev', minTokenVersion: 3, reason: 'role_changed', revokedAt: new Date().toISOString() });
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${second.accessToken}`).expect(401);
    const third = await tokens.issue({ userId: 'u-rev', username: 'rev', role: Role.Viewer }, { tokenVersion: 3 });
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${third.accessToken}`).expect(200);
    list.expectFeed();
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${third.accessToken}`).expect(503);
    await request(app.getHttpServer()).get('/api/open').expect(200);
    list.markLoaded();
    await request(app.getHttpServer()).get('/api/any').set('Authorization', `Bearer ${third.accessToken}`).expect(200);
  });
});
