import { hashPassword, passwordProblems, verifyPassword } from './password.hashing';

describe('password hashing', () => {
  it('stores scrypt parameters, salt and key, and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery 9');
    expect(stored).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery 9', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery 8', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password 123')).not.toBe(await hashPassword('same password 123'));
  });

  it('refuses malformed or absurd stored hashes without throwing', async () => {
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$AAAA$AAAA')).toBe(false);
  });

  it('verifies hashes made with other cost parameters', async () => {
    const stored = await hashPassword('cheaper hash 12', { log2N: 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    expect(await verifyPassword('cheaper hash 12', stored)).toBe(true);
  });
});

describe('password rules', () => {
  it('accepts a long mixed password', () => {
    expect(passwordProblems('Grid-Operator-2026', 'alice')).toEqual([]);
  });

  it.each([
    ['short1!', /at least 12/],
    ['onlyletterspassword', /letter and at least one digit/],
    ['aaaaaaaaaaa1', /different characters/],
    ['alice-is-great-1', /username/],
    ['Password1234', /too common/],
    ['x1'.repeat(65), /at most 128/],
  ])('refuses %s', (pw, why) => {
    expect(passwordProblems(pw, 'alice').join('\n')).toMatch(why);
  });
});
