import { DynamicModule, INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { CustomStrategy } from '@nestjs/microservices';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigSection, httpConfig, validateEnvironment } from '@smartgrid/config';
import { logLevelsFor } from '@smartgrid/observability';
import { applyHttpSurface } from './http.surface';

/** What makes one app different from the other at start; everything else is shared. */
export interface SmartgridAppSpec {
  /** e.g. `data-processing`; used in start-up and failure messages. */
  name: string;
  /** The root module, built at call time (it reads the environment applyEnv() may have set). */
  module: () => DynamicModule;
  /** Variable groups validated before Nest starts; a bad one stops start-up naming it. */
  requiredConfig: readonly ConfigSection[];
  /** The OpenAPI document served at /docs and /docs-json. */
  openApi: { title: string; description: string };
  /** HTTP port when PORT is not set (httpConfig's own default is 3000). */
  defaultPort?: number;
  /**
   * The app's Kafka consumer, attached as a Nest microservice (started by startSmartgridApp),
   * or undefined for none (e.g. ingest switched off). Called once the app's providers exist.
   */
  kafka?: (app: INestApplication) => CustomStrategy | undefined;
}

export interface CreateAppOptions {
  /** Variables to set in process.env before configuration is read (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Defaults to the levels named by LOG_LEVEL. */
  logger?: LoggerService | LogLevel[] | false;
}

/** The spec each app was created from, for startSmartgridApp's default port. */
const specs = new WeakMap<INestApplication, SmartgridAppSpec>();

export function applyEnv(env: Record<string, string | undefined> = {}): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/**
 * Builds the app (HTTP + its Kafka consumer, if any) without starting it: configuration
 * validated, stores connected (or connecting, for background stores), topics created, OpenAPI
 * mounted. Rejects with ConfigValidationError naming the variables when the environment is
 * wrong. Start it with startSmartgridApp().
 */
export async function createSmartgridApp(spec: SmartgridAppSpec, options: CreateAppOptions = {}): Promise<INestApplication> {
  applyEnv(options.env);
  // Synchronously, before Nest starts: a bad variable must surface here as one
  // ConfigValidationError, not as a rejection inside module scanning.
  validateEnvironment(process.env, spec.requiredConfig);
  const logger = options.logger ?? logLevelsFor(process.env.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(spec.module(), {
    abortOnError: false,
    // Registered by applyHttpSurface with the configured limit instead.
    bodyParser: false,
    ...(logger !== undefined ? { logger } : {}),
  });
  try {
    applyHttpSurface(app, app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY));
    const microservice = spec.kafka?.(app);
    if (microservice) app.connectMicroservice(microservice, { inheritAppConfig: true });
    const openApi = new DocumentBuilder()
      .setTitle(spec.openApi.title)
      .setDescription(spec.openApi.description)
      .setVersion('1')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  } catch (err) {
    await app.close();
    throw err;
  }
  specs.set(app, spec);
  return app;
}

/**
 * Starts the Kafka consumer (if the app has one), then HTTP on `port` (default: PORT, else the
 * app's default port). Returns the bound port.
 */
export async function startSmartgridApp(app: INestApplication, port?: number): Promise<number> {
  await app.startAllMicroservices();
  const configured = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY).port;
  const fallback = specs.get(app)?.defaultPort;
  const portSet = process.env.PORT !== undefined && process.env.PORT !== '';
  await app.listen(port ?? (portSet || fallback === undefined ? configured : fallback));
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : Number(port);
}
