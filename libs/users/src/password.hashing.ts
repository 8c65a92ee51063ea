import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters: N = 2^15, r = 8, p = 1 needs 128·N·r = 32 MiB of memory per hash (the
 * memory-hardness that makes GPU/ASIC guessing expensive) and takes tens of milliseconds.
 * Stored as `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>` so the cost can be raised later
 * without invalidating existing hashes.
 */
export const SCRYPT_DEFAULTS = { log2N: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 };

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function options(log2N: number, r: number, p: number): ScryptOptions {
  const N = 2 ** log2N;
  // Node's default maxmem (32 MiB) is exactly what N=2^15,r=8 needs, and the check is strict.
  return { N, r, p, maxmem: 2 * 128 * N * r * p };
}

export async function hashPassword(password: string, params = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(params.saltLength);
  const key = await scryptAsync(password, salt, params.keyLength, options(params.log2N, params.r, params.p));
  return ['scrypt', params.log2N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const STORED = /^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Constant-time comparison; false (never an exception) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [log2N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(m[4], 'base64');
  const expected = Buffer.from(m[5], 'base64');
  const actual = await scryptAsync(password, salt, expected.length, options(log2N, r, p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Spent on unknown usernames, so response time does not reveal whether an account exists. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  await verifyPassword(password, await dummyHash);
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
const MIN_DISTINCT_CHARACTERS = 6;

// The most common choices that would pass the other rules; a full breach corpus belongs in a
// dedicated service, not in this image.
const COMMON = new Set([
  'password1234', 'password12345', 'password123456', 'passw0rd1234', 'qwerty123456', 'qwertyuiop123',
  '123456789abc', 'abc123456789', 'iloveyou1234', 'welcome12345', 'administrator1', 'letmein12345',
  'changeme1234', 'smartgrid123', 'smartgrid1234', 'p@ssw0rd1234', 'q1w2e3r4t5y6',
]);

/**
 * Password rules (each failure is one message): 12–128 characters; at least one letter and
 * one digit or symbol; at least 6 different characters; must not contain the username; not a
 * well-known password.
 */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  if (!/\p{L}/u.test(password) || !/[^\p{L}]/u.test(password)) {
    problems.push('password must contain at least one letter and at least one digit or symbol');
  }
  if (new Set(chars).size < MIN_DISTINCT_CHARACTERS) problems.push(`password must use at least ${MIN_DISTINCT_CHARACTERS} different characters`);
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push('password must not contain the username');
  if (COMMON.has(password.toLowerCase())) problems.push('password is too common');
  return problems;
}

/** 3–64 characters: letters, digits, '.', '_', '-', starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;
