import { ConfigValidationError } from './environment.validation';

type Env = Record<string, string | undefined>;

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/**
 * Reads a feature's own tuning variables (INGEST_*, EVENTS_*), which validateEnvironment does
 * not know: unset or empty means the default, and a bad value is noted rather than thrown, so
 * `done` can name every bad variable at once.
 */
export class EnvSettingsReader {
  private readonly problems: { variable: string; message: string }[] = [];

  constructor(private readonly env: Env = process.env) {}

  /** A number from `min` to `max` (an integer unless `integer` is false). */
  number(name: string, fallback: number, min: number, max: number, integer = true): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      this.problem(name, `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = raw.trim().toLowerCase();
    if (TRUE.includes(v)) return true;
    if (FALSE.includes(v)) return false;
    this.problem(name, `${name} must be a boolean (true/false)`);
    return fallback;
  }

  /** The raw text, `undefined` when unset or empty. */
  text(name: string): string | undefined {
    return this.env[name] || undefined;
  }

  problem(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }

  /** `settings` when every variable read was good; else throws ConfigValidationError naming each bad one. */
  done<T>(settings: T): T {
    if (this.problems.length > 0) throw new ConfigValidationError(this.problems);
    return settings;
  }
}
