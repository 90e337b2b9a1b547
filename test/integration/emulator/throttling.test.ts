import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { graphFailure, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

// Resource-unit token buckets of docs/soa-and-graph.md §7, with a time scale so a test reaches the limit in milliseconds.
describe('resource-unit throttling', () => {
  // 4 RU per 10 s, time running 5x faster: one unit comes back every 500 ms.
  const { emu, graph } = useEmulator({ seed: testTenant(), throttle: { resourceUnitsPer10s: 4, timeScale: 5 } });
  const noRetry = [new RetryHandlerOptions(0, 0)];

  it('charges the documented costs ($select -1) and answers 429 with Retry-After when the bucket is empty', async () => {
    const raw = (await graph()
      .api(`/users/${IDS.synced}`)
      .responseType('raw' as never)
      .middlewareOptions(noRetry)
      .get()) as Response;
    expect(raw.headers.get('x-ms-resource-unit')).toBe('1');
    // checkMemberGroups costs 4: more than the 3 units left.
    const err = await graphFailure(
      graph()
        .api(`/users/${IDS.synced}/checkMemberGroups`)
        .middlewareOptions(noRetry)
        .post({ groupIds: [IDS.groupA] }),
    );
    expect(err).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    const retryAfter = Number(err.headers?.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2);
  });

  it('the client waits Retry-After and then succeeds', async () => {
    for (let i = 0; i < 4; i++) await graph().api(`/users/${IDS.synced}`).select('id').middlewareOptions(noRetry).get();
    const user = await graph().api(`/users/${IDS.synced}`).select('id').get();
    expect(user.id).toBe(IDS.synced);
    expect(
      emu()
        .control.calls()
        .map((c) => c.status),
    ).toContain(429);
  });
});
