/**
 * Adaptive concurrency for Graph JSON batching (docs/soa-and-graph.md §7), AIMD-style.
 *
 * Reads and writes are separate lanes because Graph limits them separately (resource units for every
 * call, and a much smaller write budget for PATCHes): a lane's window is what it may have in flight,
 * counted in batches of up to 20 items (fractions allowed: a window can be a few items).
 *
 * - Slow start: until the first sign of the limit a lane's window doubles every round trip.
 * - Healthy answers (no 429, `x-ms-throttle-limit-percentage` absent, i.e. below 0.8) grow the window
 *   additively, by about 5 % (at least one item) per round trip.
 * - From `holdAbove` (0.8) on, the level and trend of the percentage steer the window towards
 *   `targetPercentage` (0.99): above the target and still rising it shrinks, in proportion to how far
 *   past the target it is (x `easeFactor` at 1.0; a slight overshoot only trims, so the level does not
 *   swing far below the target, where the unused reserve is lost when the wave ends); above and not
 *   rising it holds; below the target it grows unless the percentage is already rising. So the bot uses
 *   the limit's refill fully while keeping a small reserve, just under the limit instead of bouncing off it.
 * - Any 429 (an item or a whole batch) shrinks the lane's window by `decreaseFactor` and pauses every
 *   sender until the largest Retry-After has passed.
 * Each lane shrinks at most once per round trip: only answers to batches sent after its last decrease count.
 * One controller is shared by every bulk call of a directory, so concurrent waves share one budget.
 */

export type Lane = 'read' | 'write';

export interface ThrottleControllerOptions {
  /**
   * Batches in flight per lane at the start. Default 16: slow start then reaches the 64-batch cap in two
   * round trips; from 4 it took four, about 0.3 s of a 10,000-user preflight (measured). 16 batches are
   * 320 calls, far below any tenant's burst allowance.
   */
  initialConcurrency?: number;
  /** Smallest window per lane, in batches (0.05 = one item of a 20-item batch). Default 0.05. */
  minConcurrency?: number;
  /** Largest window per lane, in batches. Default 64 (at 100 ms per call that is ~12,800 reads/s, above any tenant's limit). */
  maxConcurrency?: number;
  /** Items per batch (Graph allows at most 20). Default 20. */
  batchSize?: number;
  /** Limit percentage from which its trend steers the window. Default 0.8 (Graph reports from 0.8). */
  holdAbove?: number;
  /** Limit percentage the lanes aim at once near the limit. Default 0.99: what is left unused when a wave ends is lost. */
  targetPercentage?: number;
  /** Multiplier on a 429. Default 0.5. */
  decreaseFactor?: number;
  /** Multiplier per round trip while the percentage rises at the limit (1.0); also on 5xx. Default 0.5. */
  easeFactor?: number;
  /** Additive increase per round trip, as a share of the window (at least one item). Default 0.05. */
  increaseShare?: number;
  /** Clock (tests). Default Date.now. */
  now?: () => number;
}

/** What one batch's answer says about throttling. */
export interface BatchFeedback {
  lane: Lane;
  /** What onSend returned for this batch (orders sends against decreases). */
  ticket: number;
  /** Items the batch carried. */
  items: number;
  /** Items answered 429 (all of them when the batch itself was 429). */
  throttled: number;
  /** Largest Retry-After among them, in ms (null: none given). */
  retryAfterMs: number | null;
  /** Largest `x-ms-throttle-limit-percentage` seen (null: none reported). */
  limitPercentage: number | null;
  /** Sum of `x-ms-resource-unit` of the items. */
  resourceUnits: number;
  /** Items answered 5xx (or a failed transport). */
  serverErrors: number;
}

export interface ThrottleStats {
  /** Graph requests sent: items inside batches (every attempt), plus single calls. */
  requests: number;
  /** 429 answers: throttled items, plus every item of a batch answered 429 as a whole. */
  throttled: number;
  /** Batches allowed in flight now (read + write windows). */
  concurrency: number;
  readConcurrency: number;
  writeConcurrency: number;
  /** HTTP requests sent ($batch POSTs and single calls). */
  batches: number;
  inFlightItems: number;
  /** Epoch ms until which senders are paused (0 when not paused). */
  pausedUntil: number;
  /** Largest x-ms-throttle-limit-percentage of the latest answer that had one. */
  lastLimitPercentage: number | null;
  /** Sum of x-ms-resource-unit over all answers. */
  resourceUnits: number;
}

interface LaneState {
  /** In items. */
  window: number;
  inFlight: number;
  slowStart: boolean;
  /** Latest limit percentage seen by the lane (null: below 0.8 / not reported). */
  lastPct: number | null;
  /** Ticket of the last send before the latest decrease. */
  lastDecreaseTicket: number;
}

export class ThrottleController {
  private readonly min: number;
  private readonly max: number;
  private readonly batchSize: number;
  private readonly holdAbove: number;
  private readonly target: number;
  private readonly decreaseFactor: number;
  private readonly easeFactor: number;
  private readonly increaseShare: number;
  private readonly now: () => number;
  private readonly lanes: Record<Lane, LaneState>;
  private paused = 0;
  private tickets = 0;
  private counters = { requests: 0, throttled: 0, batches: 0, resourceUnits: 0 };
  private lastPercentage: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(options: ThrottleControllerOptions = {}) {
    this.batchSize = Math.max(1, Math.min(20, Math.floor(options.batchSize ?? 20)));
    // Windows are kept in items.
    this.min = Math.max(1, (options.minConcurrency ?? 0.05) * this.batchSize);
    this.max = Math.max(this.min, (options.maxConcurrency ?? 64) * this.batchSize);
    const initial = clamp((options.initialConcurrency ?? 16) * this.batchSize, this.min, this.max);
    this.holdAbove = Math.min(0.99, options.holdAbove ?? 0.8);
    this.target = clamp(options.targetPercentage ?? 0.99, this.holdAbove, 0.999);
    this.decreaseFactor = clamp(options.decreaseFactor ?? 0.5, 0.05, 0.95);
    this.easeFactor = clamp(options.easeFactor ?? 0.5, 0.05, 1);
    this.increaseShare = clamp(options.increaseShare ?? 0.05, 0, 1);
    this.now = options.now ?? Date.now;
    const lane = (): LaneState => ({ window: initial, inFlight: 0, slowStart: true, lastPct: null, lastDecreaseTicket: 0 });
    this.lanes = { read: lane(), write: lane() };
  }

  /** Epoch ms until which nothing may be sent (0 or past: not paused). */
  get pausedUntil(): number {
    return this.paused;
  }

  /** Items the lane may send now (0 while paused or when its window is full). */
  room(lane: Lane): number {
    if (this.now() < this.paused) return 0;
    const l = this.lanes[lane];
    return Math.max(0, Math.floor(l.window + 1e-9) - l.inFlight);
  }

  inFlight(lane: Lane): number {
    return this.lanes[lane].inFlight;
  }

  /** A batch (or single call) of `items` requests leaves; returns its ticket for the feedback. */
  onSend(lane: Lane, items: number): number {
    this.lanes[lane].inFlight += items;
    this.counters.requests += items;
    this.counters.batches += 1;
    return ++this.tickets;
  }

  /** The same batch sent again by the SDK's retry handler: its items count as requests again. */
  onResend(items: number): void {
    this.counters.requests += items;
    this.counters.batches += 1;
  }

  /** A batch was answered (or failed): frees its items and adapts the lane's window. */
  onResult(feedback: BatchFeedback): void {
    const lane = this.lanes[feedback.lane];
    lane.inFlight = Math.max(0, lane.inFlight - feedback.items);
    this.counters.resourceUnits += feedback.resourceUnits;
    const pct = feedback.limitPercentage;
    const previous = lane.lastPct;
    lane.lastPct = pct;
    if (pct !== null) this.lastPercentage = pct;
    if (feedback.throttled > 0) {
      this.throttleSignal(feedback.lane, feedback.throttled, feedback.retryAfterMs, feedback.ticket);
      return;
    }
    if (feedback.serverErrors > 0) {
      this.decrease(lane, Math.max(this.easeFactor, 0.85), feedback.ticket);
    } else if (pct === null || pct < this.holdAbove) {
      this.increase(lane, feedback.items);
    } else {
      // Near the limit: steer by level and trend (previous null = it just crossed holdAbove, i.e. rising).
      const trend = previous === null ? 1 : pct - previous;
      const rising = trend > TREND_EPSILON;
      if (pct >= 1 || (pct > this.target && rising)) {
        // The further past the target, the harder: a small overshoot trims, reaching the limit halves.
        const overshoot = Math.min(1, Math.max(MIN_OVERSHOOT, (pct - this.target) / (1 - this.target)));
        this.decrease(lane, 1 - (1 - this.easeFactor) * overshoot, feedback.ticket);
      } else if (pct <= this.target && !rising) {
        this.increase(lane, feedback.items);
      } else {
        // Above the target but not rising, or below it and rising: hold (and leave slow start).
        lane.slowStart = false;
      }
    }
    this.notify();
  }

  /**
   * A 429 seen while the batch is still out (e.g. the SDK's retry handler is about to retry the whole
   * $batch): pause everyone and shrink the lane; `items` is how many requests it refused.
   */
  throttleSignal(lane: Lane, items: number, retryAfterMs: number | null, ticket: number): void {
    this.counters.throttled += items;
    this.decrease(this.lanes[lane], this.decreaseFactor, ticket);
    if (retryAfterMs !== null && retryAfterMs > 0) this.paused = Math.max(this.paused, this.now() + retryAfterMs);
    this.notify();
  }

  /**
   * A 503/504 (with or without Retry-After) seen while the batch is still out: the service is busy.
   * Shrinks the lane gently and pauses everyone for the Retry-After, if any.
   */
  busySignal(lane: Lane, retryAfterMs: number | null, ticket: number): void {
    this.decrease(this.lanes[lane], this.easeFactor, ticket);
    if (retryAfterMs !== null && retryAfterMs > 0) this.paused = Math.max(this.paused, this.now() + retryAfterMs);
    this.notify();
  }

  stats(): ThrottleStats {
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      requests: this.counters.requests,
      throttled: this.counters.throttled,
      concurrency: round((this.lanes.read.window + this.lanes.write.window) / this.batchSize),
      readConcurrency: round(this.lanes.read.window / this.batchSize),
      writeConcurrency: round(this.lanes.write.window / this.batchSize),
      batches: this.counters.batches,
      inFlightItems: this.lanes.read.inFlight + this.lanes.write.inFlight,
      pausedUntil: this.paused > this.now() ? this.paused : 0,
      lastLimitPercentage: this.lastPercentage,
      resourceUnits: this.counters.resourceUnits,
    };
  }

  /** Called after every change (the batch scheduler pumps on it). Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private decrease(lane: LaneState, factor: number, ticket: number): void {
    lane.slowStart = false;
    // Once per round trip: answers to batches sent before the last decrease already count in it.
    if (ticket <= lane.lastDecreaseTicket || factor >= 1) return;
    lane.window = Math.max(this.min, lane.window * factor);
    lane.lastDecreaseTicket = this.tickets;
  }

  /** `items` answered: slow start adds them (x2 per round trip), else ~increaseShare of the window per round trip. */
  private increase(lane: LaneState, items: number): void {
    const step = lane.slowStart ? items : (items * Math.max(1, this.increaseShare * lane.window)) / Math.max(1, lane.window);
    lane.window = Math.min(this.max, lane.window + step);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

/** Share of the full decrease applied at the smallest overshoot of the target. */
const MIN_OVERSHOOT = 0.1;
/** Changes of the limit percentage smaller than this count as flat. */
const TREND_EPSILON = 0.001;

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
