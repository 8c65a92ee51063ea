import { logLevelsFor } from './log-levels.config';

describe('logLevelsFor', () => {
  it('includes the level and everything more severe', () => {
    expect(logLevelsFor('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(logLevelsFor('verbose')).toHaveLength(6);
  });

  it('leaves Nest defaults when unset or unknown', () => {
    expect(logLevelsFor(undefined)).toBeUndefined();
    expect(logLevelsFor('loud')).toBeUndefined();
  });
});
