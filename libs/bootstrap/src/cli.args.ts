/** A command line the CLI cannot run; the message names the bad part (the CLI prints it with its usage). */
export class CliUsageError extends Error {}

export interface CliOptions {
  /** `--key value` and `--key=value` options. */
  opts: Map<string, string>;
  /** Bare flags given. */
  flags: Set<string>;
}

/**
 * The `--key value` / `--key=value` options and bare flags of the operators' CLIs; a positional
 * argument, an option not named here or an option without its value is a CliUsageError.
 */
export function cliOptions(args: readonly string[], flagNames: readonly string[], valueNames: readonly string[]): CliOptions {
  const opts = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new CliUsageError(`unexpected argument "${a}"`);
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (flagNames.includes(key)) {
      flags.add(key);
      continue;
    }
    if (!valueNames.includes(key)) throw new CliUsageError(`unknown option --${key}`);
    const v = inline ?? args[++i];
    if (v === undefined || v.startsWith('--')) throw new CliUsageError(`--${key} needs a value`);
    opts.set(key, v);
  }
  return { opts, flags };
}
