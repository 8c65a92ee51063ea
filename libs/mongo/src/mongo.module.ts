import { DynamicModule, Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { mongoConfig } from '@smartgrid/config';
import { MongoConnectionKeeper } from './mongo-connection.keeper';
import { MONGO_MODULE_OPTIONS } from './mongo.constants';
import { MongoHealthIndicator } from './mongo.health';
import { buildMongooseOptions } from './mongo.options';
import type { MongoModuleOptions } from './mongo.options';

/**
 * The app's Mongoose connection (inject with `@InjectConnection()`; models through
 * `MongooseModule.forFeature`). @nestjs/mongoose closes it when the app shuts down. With
 * `connectInBackground` the app starts while MongoDB is unreachable and connects when it
 * answers (see MongoConnectionKeeper).
 */
@Module({})
export class MongoModule {
  static forRootAsync(options: MongoModuleOptions = {}): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      imports: [
        TerminusModule,
        MongooseModule.forRootAsync({
          inject: [mongoConfig.KEY],
          useFactory: (cfg: ConfigType<typeof mongoConfig>) => buildMongooseOptions(cfg, options),
        }),
      ],
      providers: [{ provide: MONGO_MODULE_OPTIONS, useValue: options }, MongoHealthIndicator, MongoConnectionKeeper],
      exports: [MongoHealthIndicator],
    };
  }
}
