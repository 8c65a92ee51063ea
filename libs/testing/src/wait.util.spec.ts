import { waitFor } from './wait.util';

describe('waitFor', () => {
  it('resolves with the first truthy value, treating throws as not yet', async () => {
    let calls = 0;
    const value = await waitFor(() => {
      calls++;
      if (calls < 3) throw new Error('not yet');
      return calls === 3 ? 'done' : '';
    }, 2000, 5);
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('times out with the last error', async () => {
    await expect(waitFor(() => Promise.reject(new Error('still down')), 50, 5, 'server')).rejects.toThrow(
      /waitFor\(server\) timed out after 50 ms; last result: still down/,
    );
  });
});
