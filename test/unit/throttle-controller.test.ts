import { ThrottleController, type BatchFeedback } from '../../src/adapters/graph/throttle-controller';

// The write lane's window near Graph's limit: how far it moves on each kind of answer.
const answer = (c: ThrottleController, pct: number | null, extra: Partial<BatchFeedback> = {}) => {
  const ticket = c.onSend('write', 20);
  c.onResult({ lane: 'write', ticket, items: 20, throttled: 0, retryAfterMs: null, limitPercentage: pct, resourceUnits: 20, serverErrors: 0, ...extra });
};
const windowOf = (c: ThrottleController) => c.stats().writeConcurrency;

describe('ThrottleController near the limit', () => {
  let now = 1_000_000;
  const controller = () => new ThrottleController({ initialConcurrency: 10, now: () => now });

  it('grows in slow start while Graph reports nothing, then additively below the target', () => {
    const c = controller();
    answer(c, null);
    expect(windowOf(c)).toBe(11); // slow start: +20 items = +1 batch per answered batch
    answer(c, 0.9); // crossed 0.8: rising, below the target -> hold, slow start over
    expect(windowOf(c)).toBe(11);
    answer(c, 0.9); // flat below the target -> grows by about 5 %
    expect(windowOf(c)).toBeGreaterThan(11);
    expect(windowOf(c)).toBeLessThan(11.1);
  });

  it('a slight overshoot of the target trims the window; reaching the limit halves it', () => {
    const c = controller();
    answer(c, 0.95);
    const before = windowOf(c);
    answer(c, 0.991); // rising, just past 0.99
    const trimmed = windowOf(c);
    expect(trimmed).toBeLessThan(before);
    expect(trimmed).toBeGreaterThanOrEqual(before * 0.94);

    const d = controller();
    answer(d, 0.95);
    const full = windowOf(d);
    answer(d, 1.0);
    expect(windowOf(d)).toBeCloseTo(full * 0.5, 5);
  });

  it('a 429 halves the window and pauses every sender for the Retry-After', () => {
    const c = controller();
    answer(c, 0.97);
    const before = windowOf(c);
    answer(c, 1.2, { throttled: 5, retryAfterMs: 1500 });
    expect(windowOf(c)).toBeCloseTo(before * 0.5, 5);
    expect(c.room('write')).toBe(0);
    expect(c.room('read')).toBe(0);
    now += 1501;
    expect(c.room('write')).toBeGreaterThan(0);
  });
});
