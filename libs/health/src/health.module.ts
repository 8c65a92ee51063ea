import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthModuleOptions, HealthProbe, READINESS, Readiness } from './readiness.options';

/**
 * The health endpoints of an app, composed from the store indicators it uses and the rules
 * saying which of them it cannot serve without:
 *
 *   HealthModule.forApp({
 *     probes: [{ name: 'postgres', indicator: PostgresHealthIndicator }, …],
 *     requireOneOf: [['postgres', 'cassandra'], ['kafka']],
 *   })
 *
 * The indicators come from the store modules, which are global.
 */
@Module({})
export class HealthModule {
  static forApp(options: HealthModuleOptions): DynamicModule {
    const unknown = options.requireOneOf.flat().filter((n) => !options.probes.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`HealthModule: readiness rules name probes that are not configured: ${unknown.join(', ')}`);
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS,
          inject: options.probes.map((p) => p.indicator),
          useFactory: (...indicators: HealthProbe[]): Readiness => ({
            probes: options.probes.map((p, i) => ({ name: p.name, indicator: indicators[i]! })),
            rules: { requireOneOf: options.requireOneOf },
          }),
        },
      ],
    };
  }
}
