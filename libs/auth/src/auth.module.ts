import { DynamicModule, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD, ModuleRef, Reflector } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { authConfig } from '@smartgrid/config';
import { AUTH_OPTIONS, AuthModuleOptions, JwtAuthGuard } from './jwt-auth.guard';
import { TokenRevocationList } from './revocation.list';
import { TokenService } from './token.service';

/**
 * Import once in an app's root module (after SmartgridConfigModule with the 'auth' section).
 * Installs JwtAuthGuard globally and exports TokenService and the app's TokenRevocationList
 * (filled by TokenRevocationsModule from Kafka).
 */
@Module({})
export class AuthModule {
  static forRootAsync(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [
        JwtModule.registerAsync({
          inject: [authConfig.KEY],
          useFactory: (cfg: ConfigType<typeof authConfig>) => ({ secret: cfg.jwtSecret }),
        }),
      ],
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        // One per app: the revocation feed fills it, the guard reads it.
        { provide: TokenRevocationList, useFactory: () => new TokenRevocationList() },
        {
          provide: TokenService,
          inject: [JwtService, authConfig.KEY],
          useFactory: (jwt: JwtService, cfg: ConfigType<typeof authConfig>) => new TokenService(jwt, cfg.jwtTtlSeconds),
        },
        {
          provide: APP_GUARD,
          inject: [Reflector, TokenService, ModuleRef, AUTH_OPTIONS, TokenRevocationList],
          useFactory: (reflector: Reflector, tokens: TokenService, moduleRef: ModuleRef, opts: AuthModuleOptions, revocations: TokenRevocationList) =>
            new JwtAuthGuard(reflector, tokens, moduleRef, opts, revocations),
        },
      ],
      exports: [TokenService, TokenRevocationList],
    };
  }
}
