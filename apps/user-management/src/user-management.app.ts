import { INestApplication } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createSmartgridApp, CreateAppOptions, SmartgridAppSpec, startSmartgridApp } from '@smartgrid/bootstrap';
import { kafkaConfig } from '@smartgrid/config';
import { kafkaMicroserviceOptions } from '@smartgrid/kafka';
import { AppModule, REQUIRED_CONFIG } from './app.module';

export { applyEnv } from '@smartgrid/bootstrap';
export type { CreateAppOptions } from '@smartgrid/bootstrap';

export const APP_NAME = 'user-management';
/** httpConfig defaults to 3000 (data-processing); this app listens on 3001 unless PORT says otherwise. */
export const DEFAULT_PORT = 3001;

export const USER_MANAGEMENT: SmartgridAppSpec = {
  name: APP_NAME,
  module: () => AppModule.register(),
  requiredConfig: REQUIRED_CONFIG,
  openApi: { title: 'smartgrid user-management', description: 'Users, roles, login and the audit log' },
  defaultPort: DEFAULT_PORT,
  // audit-events, one message at a time (AuditEventsController commits each offset itself).
  kafka: (app) => {
    const kafka = app.get<ConfigType<typeof kafkaConfig>>(kafkaConfig.KEY);
    return kafkaMicroserviceOptions(kafka, `${kafka.topicPrefix}smartgrid-${APP_NAME}`);
  },
};

/**
 * Builds the app (HTTP + audit-events consumer) without starting it; rejects with
 * ConfigValidationError naming the variables when the environment is wrong. Start it with
 * startApp().
 */
export function createApp(options: CreateAppOptions = {}): Promise<INestApplication> {
  return createSmartgridApp(USER_MANAGEMENT, options);
}

/** Starts the Kafka consumer, then HTTP on `port` (default: PORT, else 3001). Returns the bound port. */
export function startApp(app: INestApplication, port?: number): Promise<number> {
  return startSmartgridApp(app, port);
}
