import { TenantSizeClass, TenantState, ThrottleOptions, ThrottleStatus } from '../types';

interface Bucket {
  tokens: number;
  updated: number;
}

/** docs/soa-and-graph.md §7: resource units per 10 s per app per tenant, by tenant size class. */
export const RESOURCE_UNITS_PER_10S: Readonly<Record<TenantSizeClass, number>> = { small: 3500, medium: 5000, large: 8000 };
/** docs/soa-and-graph.md §7: writes per 150 s per app per tenant. */
export const WRITES_PER_150S = 3000;
const RU_WINDOW_MS = 10_000;
const WRITE_WINDOW_MS = 150_000;

/** docs/soa-and-graph.md §7's classes: under 50 users, 50 to 500, over 500. */
export function tenantSizeClass(userCount: number): TenantSizeClass {
  if (userCount < 50) return 'small';
  if (userCount <= 500) return 'medium';
  return 'large';
}

/** Graph reports `x-ms-throttle-limit-percentage` only from this share of the limit on (docs: 0.8 to 1.8). */
export const LIMIT_PERCENTAGE_REPORTED_FROM = 0.8;

export interface TakeResult {
  /** null when allowed; else the Retry-After in seconds (fractional), computed from the bucket's refill. */
  retryAfter: number | null;
  /** Share of the limit in use after this request (0..1; above 1 for a refused request). */
  limitUsed: number;
}

interface Effective {
  tenantSize: TenantSizeClass;
  userCount: number;
  timeScale: number;
  ruCapacity: number;
  ruPerMs: number;
  writeCapacity: number;
  writePerMs: number;
}

/**
 * Identity-and-access service limits (docs/soa-and-graph.md §7) as token buckets per app per tenant: resource
 * units per 10 s (capacity by tenant size class) and writes per 150 s. Buckets start full and refill
 * continuously; `timeScale` speeds the refill up (and so shortens Retry-After). Reads its settings from
 * the tenant state on every request, so the control API can switch it on, off or change it at run time.
 */
export class ResourceThrottle {
  private readonly ru = new Map<string, Bucket>();
  private readonly writes = new Map<string, Bucket>();
  private counters = { charged: 0, throttled: 0, resourceUnits: 0, writes: 0 };

  constructor(private readonly state: TenantState) {}

  /** Whether requests are charged at all (control `PUT throttle`). */
  get enabled(): boolean {
    return this.state.limits.throttle !== null;
  }

  /**
   * Charge one request (`cost` resource units, plus one write for writes). Nothing is taken from a
   * refused request. null when throttling is off.
   */
  take(appId: string, cost: number, isWrite: boolean, now = Date.now()): TakeResult | null {
    const options = this.state.limits.throttle;
    if (!options) return null;
    const e = this.effective(options);
    const key = `${this.state.tenantId}|${appId}`;
    const ru = this.refill(this.ru, key, e.ruCapacity, e.ruPerMs, now);
    const wr = this.refill(this.writes, key, e.writeCapacity, e.writePerMs, now);
    const ruUsedAfter = (e.ruCapacity - ru.tokens + cost) / e.ruCapacity;
    const wrUsedAfter = (e.writeCapacity - wr.tokens + 1) / e.writeCapacity;
    const limitUsed = isWrite ? Math.max(ruUsedAfter, wrUsedAfter) : ruUsedAfter;
    let waitMs = 0;
    if (ru.tokens < cost) waitMs = Math.max(waitMs, (cost - ru.tokens) / e.ruPerMs);
    if (isWrite && wr.tokens < 1) waitMs = Math.max(waitMs, (1 - wr.tokens) / e.writePerMs);
    if (waitMs > 0) {
      this.counters.throttled += 1;
      return { retryAfter: Math.max(0.001, Math.ceil(waitMs) / 1000), limitUsed };
    }
    ru.tokens -= cost;
    if (isWrite) wr.tokens -= 1;
    this.counters.charged += 1;
    this.counters.resourceUnits += cost;
    if (isWrite) this.counters.writes += 1;
    return { retryAfter: null, limitUsed };
  }

  status(now = Date.now()): ThrottleStatus {
    const options = this.state.limits.throttle;
    const e = this.effective(options ?? {});
    const apps = [...new Set([...this.ru.keys(), ...this.writes.keys()])]
      .filter((k) => k.startsWith(`${this.state.tenantId}|`))
      .map((key) => ({
        appId: key.slice(key.indexOf('|') + 1),
        resourceUnitsLeft: round3(this.refill(this.ru, key, e.ruCapacity, e.ruPerMs, now).tokens),
        writesLeft: round3(this.refill(this.writes, key, e.writeCapacity, e.writePerMs, now).tokens),
      }));
    return {
      enabled: options !== null,
      tenantSize: e.tenantSize,
      userCount: e.userCount,
      timeScale: e.timeScale,
      resourceUnits: { capacity: e.ruCapacity, windowSeconds: RU_WINDOW_MS / 1000, refillPerSecond: round3(e.ruPerMs * 1000) },
      writes: { capacity: e.writeCapacity, windowSeconds: WRITE_WINDOW_MS / 1000, refillPerSecond: round3(e.writePerMs * 1000) },
      latencyMs: this.state.limits.latencyMs,
      apps,
      counters: { ...this.counters },
    };
  }

  /** Full buckets and zero counters. */
  clear(): void {
    this.ru.clear();
    this.writes.clear();
    this.counters = { charged: 0, throttled: 0, resourceUnits: 0, writes: 0 };
  }

  private effective(options: ThrottleOptions): Effective {
    const userCount = this.state.users.size;
    const tenantSize = !options.tenantSize || options.tenantSize === 'auto' ? tenantSizeClass(userCount) : options.tenantSize;
    const timeScale = options.timeScale !== undefined && options.timeScale > 0 ? options.timeScale : 1;
    const ruCapacity = options.resourceUnitsPer10s ?? RESOURCE_UNITS_PER_10S[tenantSize];
    const writeCapacity = options.writesPer150s ?? WRITES_PER_150S;
    return {
      tenantSize,
      userCount,
      timeScale,
      ruCapacity,
      ruPerMs: (ruCapacity / RU_WINDOW_MS) * timeScale,
      writeCapacity,
      writePerMs: (writeCapacity / WRITE_WINDOW_MS) * timeScale,
    };
  }

  private refill(map: Map<string, Bucket>, key: string, capacity: number, perMs: number, now: number): Bucket {
    const b = map.get(key) ?? { tokens: capacity, updated: now };
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.updated) * perMs);
    b.updated = now;
    map.set(key, b);
    return b;
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
