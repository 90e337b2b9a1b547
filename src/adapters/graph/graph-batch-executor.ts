import { ResponseType, RetryHandlerOptions, type Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../../ports/logger';
import { type Clock, systemClock } from '../../ports/clock';
import { retryOptions, type GraphApiVersion } from './graph-client-factory';
import { type Lane, ThrottleController } from './throttle-controller';
import type { BatchItemOutcome, BatchRequestSpec } from './graph-batch-types';
import { MAX_BATCH_ITEMS, type Item, type LaneQueues, type Unit, UnitQueue, groupUnits, isSuccess, laneOf } from './graph-batch-units';
import {
  type BatchAnswer,
  errorName,
  isAuthFailure,
  type ParsedItemResponse,
  parseBatchBody,
  parseRetryAfter,
  type WireRequest,
  wireRequests,
} from './graph-batch-wire';
import { readItemAnswers, readWholeAnswer } from './graph-batch-answers';
import { runHooks, tellNotApplied } from './graph-batch-hooks';
import type { GraphCallOwner } from './graph-call-owner';

export { parseRetryAfter } from './graph-batch-wire';
export { MAX_BATCH_ITEMS } from './graph-batch-units';

/**
 * Graph JSON batching (docs/soa-and-graph.md §7) with the per-item handling the SDK does not do:
 * - at most 20 requests per `POST /{version}/$batch`, never two API versions in one batch;
 * - several batches in flight, as many as the ThrottleController allows (reads and writes separately);
 * - items answered 429 go back to the queue after their own Retry-After (fractional seconds allowed) and
 *   pause every sender until then; 5xx items are retried with exponential back-off; 424 items wait for
 *   their dependency and are sent again once it succeeded (without the dependency, which is done);
 * - a whole batch answered 429/503/504 is retried by the SDK's retry handler (which tells the controller,
 *   so every sender pauses), then by this executor, items keeping their dependency groups;
 * - retries are bounded (`maxItemRetries`): an item still failing comes back with its last answer;
 * - a batch carries the items of one request only (ExecuteOptions.owner), so each $batch is filed in the
 *   record of the request it was made for and logged with that request's logger.
 * Everything else (2xx, other 4xx) is final and returned as it came.
 */

export interface ExecuteOptions {
  /** The request these calls are made for (GraphCallOwner); none: not filed in any record. */
  owner?: GraphCallOwner | null;
  /**
   * Awaited before each $batch carrying some of this call's requests leaves (first sends and retries
   * alike), with their indexes in `specs`. If it throws, those requests are not sent: they end with its
   * error, without retries. For a durable intent stored just before a write goes out.
   */
  beforeSend?: (indexes: number[]) => Promise<void>;
  /**
   * Called (not awaited) when Graph answered some of this call's requests 429: they were not applied
   * and wait for a retry (which runs beforeSend again). Lets the caller record that they are not in flight.
   */
  notApplied?: (indexes: number[]) => void;
}

export interface GraphBatchExecutorOptions {
  /** The authenticated Graph client (its middleware does auth, whole-request retries, timeouts). */
  client: Client;
  /** Default 'v1.0'. */
  apiVersion?: GraphApiVersion;
  /** Shared throttle controller; default a new one. */
  controller?: ThrottleController;
  /** Retries per item after its first attempt (429, 5xx, transport, 424 after its dependency). Default 8. */
  maxItemRetries?: number;
  /** First back-off for 5xx/transport failures without Retry-After (doubles each time, jittered). Default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Cap on any wait before a retry, Retry-After included. Default 30000 ms. */
  maxRetryDelayMs?: number;
  /** Wait before retrying a 429 that came without Retry-After. Default 1000 ms. */
  defaultRetryAfterMs?: number;
  /** Hard cap on $batch requests in flight whatever the controller says. Default 64. */
  maxBatchesInFlight?: number;
  /** The SDK's whole-request retries of each $batch POST (429/503/504). Defaults 3 retries, 3 s, cap 30 s. */
  batchRetries?: { maxRetries?: number; delaySeconds?: number; maxDelaySeconds?: number };
  logger?: Logger;
  /** When a unit is due and how long a pause lasts are read from this clock (the composition root's). Default: system time. */
  clock?: Clock;
}

const LANES: Lane[] = ['write', 'read'];

export class GraphBatchExecutor {
  readonly controller: ThrottleController;
  private readonly client: Client;
  private readonly version: GraphApiVersion;
  private readonly maxItemRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly defaultRetryAfterMs: number;
  private readonly maxBatchesInFlight: number;
  private readonly batchRetries: { maxRetries: number; delaySeconds: number; maxDelaySeconds: number };
  private readonly logger: Logger | undefined;
  private readonly clock: Clock;
  private readonly queues = new Map<string, LaneQueues & { lane: Lane; version: GraphApiVersion }>();
  private delayed: Unit[] = [];
  private batchesInFlight = 0;
  private pumping = false;
  private pumpAgain = false;
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(options: GraphBatchExecutorOptions) {
    this.client = options.client;
    this.version = options.apiVersion ?? 'v1.0';
    this.clock = options.clock ?? systemClock;
    this.controller = options.controller ?? new ThrottleController({ now: () => this.clock.now().getTime() });
    this.maxItemRetries = Math.max(0, Math.floor(options.maxItemRetries ?? 8));
    this.retryBaseDelayMs = Math.max(0, options.retryBaseDelayMs ?? 1000);
    this.maxRetryDelayMs = Math.max(0, options.maxRetryDelayMs ?? 30_000);
    this.defaultRetryAfterMs = Math.max(0, options.defaultRetryAfterMs ?? 1000);
    this.maxBatchesInFlight = Math.max(1, Math.floor(options.maxBatchesInFlight ?? 64));
    this.batchRetries = {
      maxRetries: options.batchRetries?.maxRetries ?? 3,
      delaySeconds: options.batchRetries?.delaySeconds ?? 3,
      maxDelaySeconds: options.batchRetries?.maxDelaySeconds ?? 30,
    };
    this.logger = options.logger;
    this.controller.subscribe(() => this.pump());
  }

  /**
   * Sends every request (in batches, with the retries described above) and resolves with one outcome
   * per request, in input order. Throws at once on an invalid dependency (unknown index, cycle, a group
   * larger than 20 requests or spanning two API versions).
   */
  execute(specs: BatchRequestSpec[], options: ExecuteOptions = {}): Promise<BatchItemOutcome[]> {
    if (specs.length === 0) return Promise.resolve([]);
    const promises: Promise<BatchItemOutcome>[] = [];
    const { beforeSend, notApplied } = options;
    const owner = options.owner ?? null;
    const items: Item[] = specs.map((spec, index) => {
      let resolve: (outcome: BatchItemOutcome) => void = () => undefined;
      promises.push(new Promise<BatchItemOutcome>((r) => (resolve = r)));
      return {
        spec,
        deps: [],
        state: 'queued',
        attempts: 0,
        outcome: null,
        onSettled: [],
        resolve,
        owner,
        ...(beforeSend ? { hook: { beforeSend, notApplied, index } } : {}),
      };
    });
    specs.forEach((spec, i) => {
      for (const d of spec.dependsOn ?? []) {
        if (!Number.isInteger(d) || d < 0 || d >= items.length || d === i) throw new Error(`request ${i}: invalid dependsOn ${d}`);
        items[i].deps.push(items[d]);
      }
    });
    const units = groupUnits(items, (spec) => spec.version ?? this.version);
    const now = this.clock.now().getTime();
    for (const unit of units) this.queueFor(unit).fresh.push({ ...unit, readyAt: now });
    this.pumpSoon();
    return Promise.all(promises);
  }

  /**
   * Pumps once the current turn of the event loop is over, so that the requests of calls made in the
   * same turn (a burst of chat messages, each reading one user) share batches instead of one each.
   */
  private pumpSoon(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private queueFor(unit: { lane: Lane; version: GraphApiVersion; items: Item[] }): LaneQueues {
    const owner = unit.items[0].owner;
    const key = `${unit.lane}|${unit.version}|${owner?.requestId ?? ''}`;
    let q = this.queues.get(key);
    if (!q) {
      q = { lane: unit.lane, version: unit.version, owner, retry: new UnitQueue(), fresh: new UnitQueue() };
      this.queues.set(key, q);
    }
    return q;
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        const now = this.clock.now().getTime();
        this.promoteDue(now);
        if (now < this.controller.pausedUntil) {
          if (this.hasQueued()) this.armTimer(this.controller.pausedUntil);
          break;
        }
        for (const lane of LANES) this.fill(lane);
      } while (this.pumpAgain);
      this.armTimer(this.delayed.reduce((min, u) => Math.min(min, u.readyAt), Infinity));
    } finally {
      this.pumping = false;
    }
  }

  /** Forms and sends batches for one lane while its window has room. */
  private fill(lane: Lane): void {
    for (const [key, q] of this.queues) {
      if (q.lane !== lane) continue;
      // A request's queues go once they are empty (they come back if its items do).
      if (q.owner && q.retry.size === 0 && q.fresh.size === 0) {
        this.queues.delete(key);
        continue;
      }
      for (;;) {
        if (this.batchesInFlight >= this.maxBatchesInFlight) return;
        const room = this.controller.room(lane);
        if (room <= 0) return;
        const units: Unit[] = [];
        let size = 0;
        for (const source of [q.retry, q.fresh]) {
          while (source.size > 0) {
            const n = source.peek().items.length;
            if (size + n > MAX_BATCH_ITEMS) break;
            // A group larger than the room still goes when nothing else of the lane is out (progress).
            if (size + n > room && !(size === 0 && this.controller.inFlight(lane) === 0)) break;
            units.push(source.shift());
            size += n;
          }
          if (size >= MAX_BATCH_ITEMS) break;
        }
        if (units.length === 0) break;
        void this.send(lane, q.version, q.owner, units);
      }
    }
  }

  private async send(lane: Lane, version: GraphApiVersion, owner: GraphCallOwner | null, allUnits: Unit[]): Promise<void> {
    let units = allUnits;
    let items = units.flatMap((u) => u.items);
    for (const item of items) {
      item.state = 'inflight';
      item.attempts += 1;
    }
    const ticket = this.controller.onSend(lane, items.length);
    this.batchesInFlight += 1;
    if (items.some((item) => item.hook)) {
      // beforeSend of each call (e.g. storing the intent of these PATCHes): the batch waits for it; the
      // units of a call whose hook failed are not sent and end with that error, without retries.
      const refused = await runHooks(items);
      if (refused.size > 0) {
        const dropped = units.filter((u) => u.items.some((item) => refused.has(item)));
        units = units.filter((u) => !dropped.includes(u));
        items = units.flatMap((u) => u.items);
        const droppedItems = dropped.flatMap((u) => u.items);
        for (const item of droppedItems) this.settle(item, { kind: 'error', error: refused.get(item) ?? new Error('not sent'), attempts: item.attempts });
        if (units.length === 0) this.batchesInFlight -= 1;
        this.controller.onResult({
          lane,
          ticket,
          items: droppedItems.length,
          throttled: 0,
          retryAfterMs: null,
          limitPercentage: null,
          resourceUnits: 0,
          serverErrors: 0,
        });
        if (units.length === 0) return;
      }
    }
    const { requests, idOf } = wireRequests(items);
    const started = performance.now();
    let answer: BatchAnswer;
    try {
      answer = await this.post(lane, version, owner, requests, ticket);
    } catch (error) {
      this.batchesInFlight -= 1;
      this.onTransportFailure(lane, version, units, ticket, error);
      return;
    }
    this.batchesInFlight -= 1;
    const durationMs = Math.round(performance.now() - started);
    const parsed = answer.status === 200 ? parseBatchBody(answer.text) : null;
    if (parsed) this.onItemAnswers(lane, version, items, idOf, ticket, answer, parsed, durationMs);
    else this.onWholeAnswer(lane, version, units, ticket, answer, durationMs);
  }

  /** One `POST /{version}/$batch` through the Graph client (auth, the SDK's whole-request retries, timeout). */
  private async post(lane: Lane, version: GraphApiVersion, owner: GraphCallOwner | null, requests: WireRequest[], ticket: number): Promise<BatchAnswer> {
    const response = (await this.client
      .api('/$batch')
      .version(version)
      .responseType(ResponseType.RAW)
      .middlewareOptions([this.sdkRetryOptions(lane, requests.length, ticket), ...(owner ? [owner] : [])])
      .post({ requests })) as Response;
    return {
      status: response.status,
      requestId: response.headers.get('request-id'),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.clock.now().getTime()),
      text: await response.text(),
    };
  }

  /** No answer at all (transport, timeout, token): the batch's units are retried, or fail at once on a token failure. */
  private onTransportFailure(lane: Lane, version: GraphApiVersion, units: Unit[], ticket: number, error: unknown): void {
    const items = units.reduce((n, u) => n + u.items.length, 0);
    this.loggerOf(units[0].items).debug({ graphBatch: { version, items, error: errorName(error) } }, 'graph batch failed');
    const fatal = isAuthFailure(error);
    for (const unit of units) {
      const outcome = (item: Item): BatchItemOutcome => ({ kind: 'error', error, attempts: item.attempts });
      if (fatal) unit.items.forEach((item) => this.settle(item, outcome(item)));
      else this.retryUnit(unit, this.backoff(unit), outcome);
    }
    this.controller.onResult({ lane, ticket, items, throttled: 0, retryAfterMs: null, limitPercentage: null, resourceUnits: 0, serverErrors: items });
  }

  /** The batch as a whole failed (after the SDK's retries): every item gets that answer, or is retried if it is transient. */
  private onWholeAnswer(lane: Lane, version: GraphApiVersion, units: Unit[], ticket: number, answer: BatchAnswer, durationMs: number): void {
    const items = units.reduce((n, u) => n + u.items.length, 0);
    const read = readWholeAnswer(answer, items, this.defaultRetryAfterMs);
    for (const unit of units) {
      if (!read.transient) {
        unit.items.forEach((item) => this.settle(item, read.outcome(item)));
        continue;
      }
      if (read.throttled) tellNotApplied(unit.items);
      this.retryUnit(unit, read.waitMs ?? this.backoff(unit), read.outcome);
    }
    this.loggerOf(units[0].items).debug(
      { graphBatch: { version, items, status: answer.status, requestId: answer.requestId, durationMs } },
      'graph batch answered as a whole',
    );
    this.controller.onResult({ lane, ticket, ...read.feedback });
  }

  /** Each item's own answer: final, retried after its Retry-After (429) or back-off (5xx), or after its dependency (424). */
  private onItemAnswers(
    lane: Lane,
    version: GraphApiVersion,
    items: Item[],
    idOf: Map<Item, string>,
    ticket: number,
    answer: BatchAnswer,
    parsed: ParsedItemResponse[],
    durationMs: number,
  ): void {
    const { verdicts, feedback } = readItemAnswers(items, idOf, answer, parsed, this.clock.now().getTime(), this.defaultRetryAfterMs);
    for (const v of verdicts) {
      if (v.verdict === 'final') this.settle(v.item, v.outcome);
      else if (v.verdict === 'retry') {
        if (v.throttled) tellNotApplied([v.item]);
        this.retryItem(v.item, v.waitMs ?? this.backoffFor(v.item.attempts), v.outcome);
      }
    }
    // After the others of the batch are settled or requeued, so a dependency's fate is known.
    for (const v of verdicts) if (v.verdict === 'after-dependency') this.afterFailedDependency(v.item, v.outcome);
    this.loggerOf(items).debug(
      {
        graphBatch: {
          version,
          items: items.length,
          status: answer.status,
          requestId: answer.requestId,
          durationMs,
          throttled: feedback.throttled,
          limitPercentage: feedback.limitPercentage,
        },
      },
      'graph batch',
    );
    this.controller.onResult({ lane, ticket, ...feedback });
  }

  /** A batch is logged with the logger of the request its items were made for (one per batch), else the executor's. */
  private loggerOf(items: Item[]): Pick<Logger, 'debug'> {
    return items[0]?.owner?.logger ?? this.logger ?? { debug: () => undefined };
  }

  /** The SDK retries a whole $batch on 429/503/504; this hook lets every other sender pause as well. */
  private sdkRetryOptions(lane: Lane, items: number, ticket: number): RetryHandlerOptions {
    const options = retryOptions(this.batchRetries.maxRetries, this.batchRetries.delaySeconds, this.batchRetries.maxDelaySeconds);
    options.shouldRetry = (_delay, _attempt, _request, _options, response) => {
      const wait = parseRetryAfter(response.headers.get('retry-after'), this.clock.now().getTime());
      if (response.status === 429) this.controller.throttleSignal(lane, items, wait ?? this.defaultRetryAfterMs, ticket);
      else this.controller.busySignal(lane, wait, ticket);
      this.controller.onResend(items);
      return true;
    };
    return options;
  }

  /** 424: wait until the dependencies are settled; send again if they all succeeded, else that is the answer. */
  private afterFailedDependency(item: Item, outcome: BatchItemOutcome): void {
    const pending = item.deps.filter((d) => d.state !== 'done');
    if (pending.length > 0) {
      item.state = 'waiting';
      const check = () => {
        if (item.state !== 'waiting' || item.deps.some((d) => d.state !== 'done')) return;
        this.afterFailedDependency(item, outcome);
      };
      for (const d of pending) d.onSettled.push(check);
      return;
    }
    if (item.deps.every((d) => isSuccess(d.outcome))) this.retryItem(item, 0, outcome);
    else this.settle(item, outcome);
    this.pump();
  }

  private retryItem(item: Item, delayMs: number, lastOutcome: BatchItemOutcome): void {
    if (item.attempts > this.maxItemRetries) {
      this.settle(item, lastOutcome);
      return;
    }
    const version = item.spec.version ?? this.version;
    this.requeue({ items: [item], lane: laneOf([item]), version, readyAt: this.clock.now().getTime() + Math.min(delayMs, this.maxRetryDelayMs) });
  }

  /** A whole unit back to the queue (a failed batch): the group stays together. */
  private retryUnit(unit: Unit, delayMs: number, outcome: (item: Item) => BatchItemOutcome): void {
    if (unit.items.some((item) => item.attempts > this.maxItemRetries)) {
      unit.items.forEach((item) => this.settle(item, outcome(item)));
      return;
    }
    this.requeue({ ...unit, readyAt: this.clock.now().getTime() + Math.min(delayMs, this.maxRetryDelayMs) });
  }

  private requeue(unit: Unit): void {
    for (const item of unit.items) item.state = 'queued';
    if (unit.readyAt <= this.clock.now().getTime()) this.queueFor(unit).retry.push(unit);
    else this.delayed.push(unit);
  }

  private settle(item: Item, outcome: BatchItemOutcome): void {
    if (item.state === 'done') return;
    item.state = 'done';
    item.outcome = outcome;
    item.resolve(outcome);
    const listeners = item.onSettled;
    item.onSettled = [];
    for (const l of listeners) l();
  }

  private hasQueued(): boolean {
    for (const q of this.queues.values()) if (q.retry.size > 0 || q.fresh.size > 0) return true;
    return false;
  }

  private promoteDue(now: number): void {
    if (this.delayed.length === 0) return;
    const still: Unit[] = [];
    for (const unit of this.delayed) {
      if (unit.readyAt <= now) this.queueFor(unit).retry.push(unit);
      else still.push(unit);
    }
    this.delayed = still;
  }

  private armTimer(at: number): void {
    if (!Number.isFinite(at)) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, at - this.clock.now().getTime()),
    );
  }

  private backoff(unit: Unit): number {
    return this.backoffFor(Math.max(...unit.items.map((i) => i.attempts)));
  }

  /** Exponential back-off with equal jitter: base x 2^(attempt-1), half of it random. */
  private backoffFor(attempts: number): number {
    const full = Math.min(this.maxRetryDelayMs, this.retryBaseDelayMs * 2 ** Math.max(0, attempts - 1));
    return full / 2 + Math.random() * (full / 2);
  }
}

/** Connected dependency groups, in input order of their first member. */
