import { DrainLoop } from './drain.loop';

describe('DrainLoop', () => {
  afterEach(() => jest.useRealTimers());

  it('collapses notifications during a pass into one more pass', async () => {
    let passes = 0;
    let release: () => void = () => undefined;
    const loop = new DrainLoop({
      drain: () => {
        passes += 1;
        return passes === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
      backoff: { initialMs: 1000, maxMs: 8000 },
      failed: () => undefined,
    });
    loop.notify();
    loop.notify();
    loop.notify();
    release();
    await loop.flush();
    // The first pass, the one the notifications during it asked for, and flush's own.
    expect(passes).toBe(3);
    await loop.stop();
  });

  it('retries a failed pass with doubling back-off up to the maximum, warning once per outage', async () => {
    jest.useFakeTimers();
    const outcomes = [false, false, false, false, true];
    const firsts: boolean[] = [];
    const passAt: number[] = [];
    const loop = new DrainLoop({
      drain: () => {
        passAt.push(Date.now());
        return outcomes.shift() ? Promise.resolve() : Promise.reject(new Error('down'));
      },
      backoff: { initialMs: 1000, maxMs: 3000 },
      failed: (_e, first) => firsts.push(first),
    });
    const t0 = Date.now();
    loop.notify();
    for (let i = 0; i < 4; i++) await jest.advanceTimersByTimeAsync(3000);
    expect(passAt.map((t) => t - t0)).toEqual([0, 1000, 3000, 6000, 9000]);
    expect(firsts).toEqual([true, false, false, false]);
    await loop.stop();
  });

  it('polls again after an idle pass only when asked to, and stops polling once stopped', async () => {
    jest.useFakeTimers();
    let passes = 0;
    const loop = new DrainLoop({ drain: async () => void (passes += 1), backoff: { initialMs: 10, maxMs: 10 }, idlePollMs: 2000, failed: () => undefined });
    loop.notify();
    await jest.advanceTimersByTimeAsync(4000);
    expect(passes).toBe(3);
    await loop.stop();
    await jest.advanceTimersByTimeAsync(4000);
    expect(passes).toBe(3);
  });

  it('starts after the delay asked for, says once that a pass works again, and starts again after stop', async () => {
    jest.useFakeTimers();
    const outcomes = [false, false, true, true];
    const passAt: number[] = [];
    const said: string[] = [];
    const loop = DrainLoop.every(1000, {
      drain: () => {
        passAt.push(Date.now());
        return outcomes.shift() ? Promise.resolve() : Promise.reject(new Error('down'));
      },
      failed: (_e, first) => said.push(first ? 'failed' : 'still failing'),
      recovered: () => said.push('working again'),
    });
    const t0 = Date.now();
    loop.start(500);
    loop.start(0); // already due: changes nothing
    await jest.advanceTimersByTimeAsync(3600);
    // Periodic: the same pause after a failed pass as after one that worked.
    expect(passAt.map((t) => t - t0)).toEqual([500, 1500, 2500, 3500]);
    expect(said).toEqual(['failed', 'still failing', 'working again']);
    await loop.stop();
    expect(loop.stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(3000);
    expect(passAt).toHaveLength(4);
    loop.start();
    expect(loop.stopped).toBe(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(passAt).toHaveLength(5);
    await loop.stop();
  });
});
