import { BatchRequestContent, BatchResponseContent } from '@microsoft/microsoft-graph-client';
import { graphFailure, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

// JSON batching (docs/soa-and-graph.md §7) through the SDK's BatchRequestContent: per-item status, dependsOn, item throttling.
describe('POST /$batch', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });
  const url = (path: string) => `${emu().baseUrl}/v1.0${path}`;

  async function runBatch(steps: { id: string; request: Request; dependsOn?: string[] }[]): Promise<Map<string, Response>> {
    const content = new BatchRequestContent(steps);
    const body = await content.getContent();
    const res = await graph().api('/$batch').post(body);
    return new BatchResponseContent(res).getResponses();
  }

  it('answers each item with its own status', async () => {
    const responses = await runBatch([
      { id: '1', request: new Request(url(`/users/${IDS.synced}?$select=id,onPremisesSyncEnabled`)) },
      { id: '2', request: new Request(url('/users/nobody@contoso.com')) },
      { id: '3', request: new Request(url(`/users/${IDS.synced}/onPremisesSyncBehavior`)) },
    ]);
    expect(responses.get('1')?.status).toBe(200);
    expect(await responses.get('1')?.json()).toMatchObject({ id: IDS.synced, onPremisesSyncEnabled: true });
    expect(responses.get('2')?.status).toBe(404);
    expect(await responses.get('2')?.json()).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect(await responses.get('3')?.json()).toMatchObject({ isCloudManaged: false });
    expect(
      emu()
        .control.calls()
        .filter((c) => c.inBatch),
    ).toHaveLength(3);
  });

  it('runs PATCH items and gives 424 to items whose dependency failed', async () => {
    const patch = (id: string) =>
      new Request(url(`/users/${id}/onPremisesSyncBehavior`), {
        method: 'PATCH',
        body: JSON.stringify({ isCloudManaged: true }),
        headers: { 'Content-Type': 'application/json' },
      });
    const responses = await runBatch([
      // The SDK only builds serial chains: a (ok) -> b (cloud-native: 400) -> c (424).
      { id: 'a', request: patch(IDS.rolledBack) },
      { id: 'b', request: patch(IDS.cloud), dependsOn: ['a'] },
      { id: 'c', request: patch(IDS.synced), dependsOn: ['b'] },
    ]);
    expect([responses.get('a')?.status, responses.get('b')?.status, responses.get('c')?.status]).toEqual([204, 400, 424]);
    expect(await responses.get('c')?.json()).toMatchObject({ error: { code: 'FailedDependency' } });
    expect(emu().control.getUser(IDS.synced)?.isCloudManaged).toBe(false);
    expect(emu().control.getUser(IDS.rolledBack)?.isCloudManaged).toBe(true);
  });

  it('an item can be throttled on its own, with Retry-After', async () => {
    emu().control.injectFault({ pathPattern: `^/users/${IDS.transferred}$`, status: 429, retryAfter: 2.128 });
    const responses = await runBatch([
      { id: '1', request: new Request(url(`/users/${IDS.synced}`)) },
      { id: '2', request: new Request(url(`/users/${IDS.transferred}`)) },
    ]);
    expect(responses.get('1')?.status).toBe(200);
    expect(responses.get('2')?.status).toBe(429);
    expect(responses.get('2')?.headers.get('Retry-After')).toBe('2.128');
  });

  it('refuses more than 20 requests and a mixed API version', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/domains' }));
    expect((await graphFailure(graph().api('/$batch').post({ requests }))).statusCode).toBe(400);
    const mixed = await graph()
      .api('/$batch')
      .post({ requests: [{ id: '1', method: 'GET', url: '/beta/domains' }] });
    expect(mixed.responses[0].status).toBe(400);
  });

  it('can return items out of request order, as real Graph may', async () => {
    emu().control.setBehaviour({ reverseBatchResponses: true });
    const res = await graph()
      .api('/$batch')
      .post({
        requests: [
          { id: '1', method: 'GET', url: '/domains' },
          { id: '2', method: 'GET', url: 'domains/contoso.com' },
        ],
      });
    expect(res.responses.map((r: { id: string }) => r.id)).toEqual(['2', '1']);
  });
});
