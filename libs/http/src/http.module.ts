import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpErrorFilter } from './http-error.filter';
import { RequestIdMiddleware } from './request-id.middleware';
import { createValidationPipe } from './validation.errors';

/**
 * Import once in an app's root module: installs the validation pipe, the error-body filter
 * and the request-id middleware for every route (also in in-process e2e apps, which do not
 * run main.ts).
 */
@Global()
@Module({
  providers: [
    { provide: APP_PIPE, useFactory: () => createValidationPipe() },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class SmartgridHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('{*path}');
  }
}
