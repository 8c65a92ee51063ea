/**
 * A bench's `--name N` options over its defaults (`--kebab-case` names also reach camelCase
 * keys). A name that is not among the defaults, or a value `valid` refuses, stops the bench
 * before it touches anything.
 */
export function numberOptions<T extends { [K in keyof T]: number }>(argv: readonly string[], defaults: T, valid: (n: number, key: keyof T) => boolean): T {
  const out: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!.replace(/^--/, '');
    const key = name in out ? name : name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const n = Number(argv[i + 1]);
    if (!(key in out) || !valid(n, key as keyof T)) throw new Error(`bad argument ${argv[i]} ${argv[i + 1] ?? ''}`);
    out[key] = n;
  }
  return out as T;
}

export const nonNegativeInteger = (n: number): boolean => Number.isInteger(n) && n >= 0;
export const positiveInteger = (n: number): boolean => Number.isInteger(n) && n >= 1;
