import { ThrottleOptions } from '../types';

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Identity-and-access service limits (soa-and-graph.md §7) as token buckets per app: resource units per
 * 10 s and writes per 150 s. timeScale shrinks the windows so tests can reach the limits quickly.
 */
export class ResourceThrottle {
  private readonly ru = new Map<string, Bucket>();
  private readonly writes = new Map<string, Bucket>();
  private readonly ruCapacity: number;
  private readonly writeCapacity: number;
  private readonly ruWindowMs: number;
  private readonly writeWindowMs: number;

  constructor(options: ThrottleOptions) {
    const scale = options.timeScale ?? 1;
    this.ruCapacity = options.resourceUnitsPer10s ?? 3500;
    this.writeCapacity = options.writesPer150s ?? 3000;
    this.ruWindowMs = 10_000 * scale;
    this.writeWindowMs = 150_000 * scale;
  }

  /** Consume cost; null when allowed, else Retry-After seconds. Also returns the usage percentage. */
  take(appId: string, cost: number, isWrite: boolean, now = Date.now()): { retryAfter: number | null; percentage: number } {
    const ru = this.refill(this.ru, appId, this.ruCapacity, this.ruWindowMs, now);
    const wr = this.refill(this.writes, appId, this.writeCapacity, this.writeWindowMs, now);
    if (ru.tokens < cost) {
      return { retryAfter: this.wait(cost - ru.tokens, this.ruCapacity, this.ruWindowMs), percentage: 100 };
    }
    if (isWrite && wr.tokens < 1) {
      return { retryAfter: this.wait(1 - wr.tokens, this.writeCapacity, this.writeWindowMs), percentage: 100 };
    }
    ru.tokens -= cost;
    if (isWrite) wr.tokens -= 1;
    return { retryAfter: null, percentage: Math.round(((this.ruCapacity - ru.tokens) / this.ruCapacity) * 100) };
  }

  clear(): void {
    this.ru.clear();
    this.writes.clear();
  }

  private refill(map: Map<string, Bucket>, appId: string, capacity: number, windowMs: number, now: number): Bucket {
    const b = map.get(appId) ?? { tokens: capacity, updated: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.updated) * capacity) / windowMs);
    b.updated = now;
    map.set(appId, b);
    return b;
  }

  private wait(missing: number, capacity: number, windowMs: number): number {
    return Math.max(0.001, Math.ceil((missing * windowMs) / capacity) / 1000);
  }
}
