import type { LogLevel } from '@nestjs/common';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest logger levels for LOG_LEVEL (error | warn | log | debug | verbose): that level and every
 * more severe one. Undefined when unset, leaving Nest's default.
 */
export function logLevelsFor(level: string | undefined): LogLevel[] | undefined {
  if (!level) return undefined;
  const index = ORDER.indexOf(level as LogLevel);
  return index < 0 ? undefined : ORDER.slice(0, index + 1);
}
