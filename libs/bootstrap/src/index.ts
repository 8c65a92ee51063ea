// What both apps do at start: validated configuration, Nest app creation, OpenAPI, the Kafka
// microservice attachment, start-up order and shutdown. Each app passes only what differs.
export { applyEnv, createSmartgridApp, startSmartgridApp } from './smartgrid.app';
export type { CreateAppOptions, SmartgridAppSpec } from './smartgrid.app';
export { runMain } from './main';
export type { MainSteps } from './main';
export { CliUsageError, cliOptions } from './cli.args';
export type { CliOptions } from './cli.args';
