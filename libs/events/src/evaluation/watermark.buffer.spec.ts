import { WatermarkBuffer } from './watermark.buffer';

const ts = (rs: { ts: number }[] | false): number[] | false => (rs === false ? false : rs.map((r) => r.ts));

describe('WatermarkBuffer', () => {
  it('releases readings in timestamp order once a reading latenessMs newer arrives', () => {
    const b = new WatermarkBuffer<{ ts: number }>(10);
    expect(ts(b.offer({ ts: 100 }))).toEqual([]);
    expect(ts(b.offer({ ts: 95 }))).toEqual([]);
    expect(ts(b.offer({ ts: 108 }))).toEqual([95]);
    expect(ts(b.offer({ ts: 112 }))).toEqual([100]);
    expect(b.releasedThrough).toBe(100);
    expect(b.waiting).toBe(2);
  });

  it('refuses a reading at or before the last released one (too late) and replaces one still waiting', () => {
    const b = new WatermarkBuffer<{ ts: number; v: number }>(10);
    b.offer({ ts: 100, v: 1 });
    b.offer({ ts: 111, v: 1 });
    expect(b.offer({ ts: 100, v: 2 })).toBe(false);
    expect(b.offer({ ts: 99, v: 2 })).toBe(false);
    b.offer({ ts: 111, v: 3 });
    expect(b.offer({ ts: 130, v: 1 })).toEqual([{ ts: 111, v: 3 }]);
  });

  it('puts a shuffled stream back in order and counts what falls behind the watermark as late', () => {
    const arrivals = [5, 1, 9, 3, 20, 14, 12, 30, 25, 41];
    const whole = new WatermarkBuffer<{ ts: number }>(6);
    const released: number[] = [];
    const late: number[] = [];
    for (const t of arrivals) {
      const out = ts(whole.offer({ ts: t }));
      if (out === false) late.push(t);
      else released.push(...out);
    }
    expect(released).toEqual([1, 3, 5, 9, 14, 20, 25, 30]);
    expect(late).toEqual([12]);
    // Zero lateness: everything at once, and anything older than the newest is late.
    const eager = new WatermarkBuffer<{ ts: number }>(0);
    expect(ts(eager.offer({ ts: 5 }))).toEqual([5]);
    expect(eager.offer({ ts: 4 })).toBe(false);
  });
});
