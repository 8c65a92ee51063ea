import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConfigSection, validateEnvironment } from './environment.validation';
import { ALL_NAMESPACES } from './config.namespaces';

export interface SmartgridConfigOptions {
  /** The variable groups this app cannot start without. */
  require: ConfigSection[];
}

@Module({})
export class SmartgridConfigModule {
  static forRoot(options: SmartgridConfigOptions): DynamicModule {
    return {
      module: SmartgridConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          cache: true,
          load: ALL_NAMESPACES,
          validate: (env) => validateEnvironment(env, options.require),
        }),
      ],
      exports: [ConfigModule],
    };
  }
}
