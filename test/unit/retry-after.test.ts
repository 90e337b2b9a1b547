import { parseRetryAfter } from '../../src/adapters/graph/graph-batch-wire';

describe("Graph's Retry-After", () => {
  const now = Date.parse('2026-12-06T08:00:00Z');

  it('in seconds, fractions allowed', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
  });

  it('as an HTTP date, counted from the clock the executor runs on (not the machine time)', () => {
    expect(parseRetryAfter('Sun, 06 Dec 2026 08:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 07:59:00 GMT', now)).toBe(0);
  });

  it('absent or unreadable: null (the caller falls back to its default back-off)', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('  ', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
