import { readItemAnswers, readWholeAnswer } from '../../src/adapters/graph/graph-batch-answers';
import type { Item } from '../../src/adapters/graph/graph-batch-units';

const NOW = Date.parse('2026-12-06T08:00:00Z');
const item = (id: string): Item => ({
  spec: { method: 'GET', url: `/users/${id}` },
  deps: [],
  state: 'inflight',
  attempts: 1,
  outcome: null,
  onSettled: [],
  resolve: () => undefined,
  owner: null,
});

describe('reading a $batch answer', () => {
  it('gives each item its verdict: final, sent again after its own Retry-After (429) or back-off (5xx), waiting for its dependency (424)', () => {
    const [ok, throttled, busy, dependent, missing] = ['a', 'b', 'c', 'd', 'e'].map(item);
    const idOf = new Map([ok, throttled, busy, dependent, missing].map((it, i) => [it, String(i + 1)]));
    const { verdicts, feedback } = readItemAnswers(
      [ok, throttled, busy, dependent, missing],
      idOf,
      { status: 200, requestId: 'batch-req', retryAfterMs: null, text: '' },
      [
        { id: '1', status: 200, headers: { 'x-ms-resource-unit': '1', 'x-ms-throttle-limit-percentage': '0.6' }, body: { id: 'a' } },
        { id: '2', status: 429, headers: { 'retry-after': '2.5', 'x-ms-resource-unit': '1' }, body: {} },
        { id: '3', status: 503, headers: {}, body: {} },
        { id: '4', status: 424, headers: {}, body: {} },
      ],
      NOW,
      1000,
    );
    expect(verdicts.map((v) => [v.verdict, v.verdict === 'retry' ? v.waitMs : null])).toEqual([
      ['final', null],
      ['retry', 2500],
      ['retry', null],
      ['after-dependency', null],
      ['retry', null],
    ]);
    // The request id of an item without its own header is the batch's.
    expect(verdicts[0].outcome).toMatchObject({ kind: 'response', status: 200, requestId: 'batch-req' });
    // A refused request is not charged; the missing answer counts as a server error.
    expect(feedback).toEqual({ items: 5, throttled: 1, retryAfterMs: 2500, limitPercentage: 0.6, resourceUnits: 1, serverErrors: 2 });
  });

  it('a throttled item without Retry-After waits the default', () => {
    const it1 = item('a');
    const { verdicts } = readItemAnswers(
      [it1],
      new Map([[it1, '1']]),
      { status: 200, requestId: null, retryAfterMs: null, text: '' },
      [{ id: '1', status: 429, headers: {}, body: {} }],
      NOW,
      1000,
    );
    expect(verdicts[0]).toMatchObject({ verdict: 'retry', waitMs: 1000, throttled: true });
  });

  it("a whole answer: 429 and 5xx are sent again (Retry-After, or the default for 429); other statuses are every item's final answer", () => {
    expect(readWholeAnswer({ status: 429, requestId: 'r', retryAfterMs: null, text: '' }, 20, 1000)).toMatchObject({
      transient: true,
      throttled: true,
      waitMs: 1000,
      feedback: { throttled: 20, retryAfterMs: 1000 },
    });
    expect(readWholeAnswer({ status: 503, requestId: 'r', retryAfterMs: 4000, text: '' }, 20, 1000)).toMatchObject({
      transient: true,
      throttled: false,
      waitMs: 4000,
      feedback: { serverErrors: 20 },
    });
    const refused = readWholeAnswer({ status: 403, requestId: 'r', retryAfterMs: null, text: '{"error":{"code":"Authorization_RequestDenied"}}' }, 3, 1000);
    expect(refused.transient).toBe(false);
    expect(refused.outcome(item('a'))).toMatchObject({
      kind: 'response',
      status: 403,
      requestId: 'r',
      body: { error: { code: 'Authorization_RequestDenied' } },
    });
  });
});
