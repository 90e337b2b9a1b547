import { Clock } from '../../ports/clock';

/** allow: serve it. warn: over the limit, tell the person once. drop: over the limit, already told. */
export type RateDecision = 'allow' | 'warn' | 'drop';

export interface UserRateLimiterOptions {
  /** Commands allowed per person per window. */
  limit: number;
  windowMs: number;
  clock: Clock;
  /** Memory bound: people tracked at once (expired windows are swept first). */
  maxTracked?: number;
}

interface Window {
  startedAt: number;
  count: number;
  warned: boolean;
}

/**
 * Fixed window per person: the first `limit` commands of a window are served, the next one gets a
 * polite message, the rest are ignored until the window (started by the person's first command) ends.
 * In memory and per process: a throttle for floods, not an accounting tool.
 */
export class UserRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxTracked: number;

  constructor(private readonly options: UserRateLimiterOptions) {
    this.maxTracked = options.maxTracked ?? 10_000;
  }

  take(key: string): RateDecision {
    const now = this.options.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.options.windowMs || now < window.startedAt) {
      window = { startedAt: now, count: 0, warned: false };
      this.windows.delete(key);
      this.windows.set(key, window);
      this.bound(now);
    }
    window.count++;
    if (window.count <= this.options.limit) return 'allow';
    if (window.warned) return 'drop';
    window.warned = true;
    return 'warn';
  }

  /** Seconds until the person's window ends (for the polite message). */
  secondsLeft(key: string): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    const left = window.startedAt + this.options.windowMs - this.options.clock.now().getTime();
    return Math.max(1, Math.ceil(left / 1000));
  }

  get tracked(): number {
    return this.windows.size;
  }

  private bound(now: number): void {
    if (this.windows.size <= this.maxTracked) return;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.options.windowMs) this.windows.delete(key);
    }
    // Still full of live windows: forget the oldest (Map keeps insertion order; renewed windows move last).
    for (const key of this.windows.keys()) {
      if (this.windows.size <= this.maxTracked) break;
      this.windows.delete(key);
    }
  }
}
