import type { BatchItemOutcome } from './graph-batch-types';
import type { Item } from './graph-batch-units';
import { type BatchAnswer, envelopeRequestId, type ParsedItemResponse, parseJson, parseRetryAfter } from './graph-batch-wire';

/**
 * What a $batch answer says, read without acting on it: for each item whether it is final, to be sent
 * again (after how long), or waiting for its dependency; and what the answer tells the throttle
 * controller. The executor (graph-batch-executor.ts) decides when and how to act on it.
 */

/** What to do with one item after its answer. `waitMs` null: no Retry-After, use the back-off. */
export type ItemVerdict =
  | { item: Item; verdict: 'final'; outcome: BatchItemOutcome }
  | { item: Item; verdict: 'retry'; outcome: BatchItemOutcome; waitMs: number | null; throttled: boolean }
  | { item: Item; verdict: 'after-dependency'; outcome: BatchItemOutcome };

/** The throttling facts of one answer, as the ThrottleController takes them (without lane and ticket). */
export interface AnswerFeedback {
  items: number;
  throttled: number;
  retryAfterMs: number | null;
  limitPercentage: number | null;
  resourceUnits: number;
  serverErrors: number;
}

/** Each item's own answer in a 200 $batch: 429 and 5xx are sent again, 424 waits for its dependency, the rest is final. */
export function readItemAnswers(
  items: Item[],
  idOf: Map<Item, string>,
  answer: BatchAnswer,
  parsed: ParsedItemResponse[],
  nowMs: number,
  defaultRetryAfterMs: number,
): { verdicts: ItemVerdict[]; feedback: AnswerFeedback } {
  const byId = new Map(parsed.map((r) => [r.id, r]));
  const feedback: AnswerFeedback = { items: items.length, throttled: 0, retryAfterMs: null, limitPercentage: null, resourceUnits: 0, serverErrors: 0 };
  const verdicts: ItemVerdict[] = [];
  for (const item of items) {
    const r = byId.get(idOf.get(item) as string);
    if (!r) {
      // No answer for the item: as if the transport failed for it alone.
      feedback.serverErrors += 1;
      const outcome: BatchItemOutcome = { kind: 'error', error: new Error('Graph $batch answer has no response for the item'), attempts: item.attempts };
      verdicts.push({ item, verdict: 'retry', outcome, waitMs: null, throttled: false });
      continue;
    }
    const requestId = r.headers['request-id'] ?? envelopeRequestId(r.body) ?? answer.requestId;
    const outcome: BatchItemOutcome = { kind: 'response', status: r.status, headers: r.headers, body: r.body, requestId, attempts: item.attempts };
    const pct = Number(r.headers['x-ms-throttle-limit-percentage']);
    if (r.headers['x-ms-throttle-limit-percentage'] !== undefined && Number.isFinite(pct))
      feedback.limitPercentage = Math.max(feedback.limitPercentage ?? 0, pct);
    const ru = Number(r.headers['x-ms-resource-unit']);
    // A refused (429) request is not charged.
    if (r.status !== 429 && Number.isFinite(ru)) feedback.resourceUnits += ru;
    if (r.status === 429) {
      feedback.throttled += 1;
      const wait = parseRetryAfter(r.headers['retry-after'], nowMs) ?? defaultRetryAfterMs;
      feedback.retryAfterMs = Math.max(feedback.retryAfterMs ?? 0, wait);
      verdicts.push({ item, verdict: 'retry', outcome, waitMs: wait, throttled: true });
    } else if (r.status === 424) {
      verdicts.push({ item, verdict: 'after-dependency', outcome });
    } else if (r.status >= 500) {
      feedback.serverErrors += 1;
      verdicts.push({ item, verdict: 'retry', outcome, waitMs: parseRetryAfter(r.headers['retry-after'], nowMs), throttled: false });
    } else {
      verdicts.push({ item, verdict: 'final', outcome });
    }
  }
  return { verdicts, feedback };
}

/**
 * A $batch answered as a whole (after the SDK's own retries): 429, 5xx and a 200 without a readable body
 * are transient (sent again); any other status is every item's final answer.
 */
export function readWholeAnswer(answer: BatchAnswer, items: number, defaultRetryAfterMs: number) {
  const { status } = answer;
  const body = parseJson(answer.text);
  const transient = status === 429 || status === 200 || status >= 500;
  const feedback: AnswerFeedback = {
    items,
    throttled: status === 429 ? items : 0,
    retryAfterMs: status === 429 ? (answer.retryAfterMs ?? defaultRetryAfterMs) : null,
    limitPercentage: null,
    resourceUnits: 0,
    serverErrors: status >= 500 || status === 200 ? items : 0,
  };
  const outcome = (item: Item): BatchItemOutcome => ({ kind: 'response', status, headers: {}, body, requestId: answer.requestId, attempts: item.attempts });
  /** How long before sending again; null: the back-off. */
  const waitMs = answer.retryAfterMs ?? (status === 429 ? defaultRetryAfterMs : null);
  return { transient, throttled: status === 429, outcome, waitMs, feedback };
}
