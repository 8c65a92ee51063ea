import { CliUsageError, parseVerifyArgs } from './audit-verify.args';

describe('audit:verify arguments', () => {
  it('reads a dump or the live chain, with checkpoints from Kafka by default', () => {
    expect(parseVerifyArgs(['--public-key', 'KEY', '--dump', 'db.sql'])).toEqual({ publicKey: 'KEY', chain: { kind: 'dump', path: 'db.sql' }, checkpoints: { kind: 'kafka' } });
    expect(parseVerifyArgs(['--public-key=KEY', '--postgres', '--checkpoints', 'cps.jsonl'])).toEqual({
      publicKey: 'KEY',
      chain: { kind: 'postgres' },
      checkpoints: { kind: 'file', path: 'cps.jsonl' },
    });
  });

  it.each([
    [[], /--public-key is required/],
    [['--public-key', 'K'], /exactly one of --dump FILE or --postgres/],
    [['--public-key', 'K', '--dump', 'a.sql', '--postgres'], /exactly one/],
    [['--public-key', 'K', '--postgres', '--checkpoints', 'dump'], /needs --dump/],
    [['--public-key', 'K', '--postgres', '--private-key', 'x'], /unknown option --private-key/],
    [['--public-key'], /needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseVerifyArgs(argv)).toThrow(CliUsageError);
    expect(() => parseVerifyArgs(argv)).toThrow(message);
  });
});
