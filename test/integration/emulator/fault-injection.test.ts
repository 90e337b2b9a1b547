import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { graphFailure, secretCredential, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';
import { waitUntil } from '../../support/wait-until';

// Injected failures as the real Graph client and @azure/identity see them.
describe('fault injection', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });
  const noRetry = [new RetryHandlerOptions(0, 0)];
  const userPath = `^/users/${IDS.synced}$`;

  it('429 with Retry-After is retried by the client and then succeeds', async () => {
    emu().control.injectFault({ pathPattern: userPath, status: 429, times: 2, retryAfter: '0.05' });
    const user = await graph().api(`/users/${IDS.synced}`).select('id').get();
    expect(user.id).toBe(IDS.synced);
    const calls = emu()
      .control.calls()
      .filter((c) => c.path === `/users/${IDS.synced}`);
    expect(calls.map((c) => [c.status, c.fault])).toEqual([
      [429, 'status'],
      [429, 'status'],
      [200, null],
    ]);
  });

  it('every 429 and 503 carries Retry-After and the Graph envelope', async () => {
    emu().control.injectFault({ pathPattern: userPath, status: 503, times: 1 });
    const err = await graphFailure(graph().api(`/users/${IDS.synced}`).middlewareOptions(noRetry).get());
    expect(err).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    expect(err.headers?.get('Retry-After')).toBe('1');
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('matches the method, honours graphCode, and stops after `times`', async () => {
    emu().control.injectFault({ method: 'PATCH', pathPattern: 'onPremisesSyncBehavior$', status: 403, graphCode: 'Authorization_RequestDenied', times: 1 });
    const soa = () => graph().api(`/users/${IDS.synced}/onPremisesSyncBehavior`);
    await expect(soa().get()).resolves.toMatchObject({ isCloudManaged: false });
    expect(await graphFailure(soa().patch({ isCloudManaged: true }))).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
    await soa().patch({ isCloudManaged: true });
    expect(emu().control.getUser(IDS.synced)?.isCloudManaged).toBe(true);
  });

  it('a negative times fails until clearFaults()', async () => {
    emu().control.injectFault({ pathPattern: '^/domains/', status: 500, times: -1 });
    for (let i = 0; i < 3; i++) expect((await graphFailure(graph().api('/domains/contoso.com').get())).statusCode).toBe(500);
    emu().control.clearFaults();
    await expect(graph().api('/domains/contoso.com').get()).resolves.toMatchObject({ id: 'contoso.com' });
  });

  it("'reset' destroys the connection", async () => {
    emu().control.injectFault({ pathPattern: userPath, kind: 'reset' });
    await expect(graph().api(`/users/${IDS.synced}`).get()).rejects.toThrow();
    expect(emu().control.calls().at(-1)).toMatchObject({ fault: 'reset', status: 0 });
  });

  it("'timeout' never answers; 'delay' answers late but normally", async () => {
    emu().control.injectFault({ pathPattern: '^/domains/', kind: 'timeout' });
    const token = (await secretCredential(emu()).getToken('https://graph.microsoft.com/.default')).token;
    const started = Date.now();
    const hung = fetch(`${emu().baseUrl}/v1.0/domains/contoso.com`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);

    emu().control.injectFault({ pathPattern: '^/domains/', kind: 'delay', delayMs: 200 });
    const t0 = Date.now();
    await expect(graph().api('/domains/contoso.com').get()).resolves.toMatchObject({ id: 'contoso.com' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('faultHits counts a delayed request as soon as it arrives, before it is answered', async () => {
    const id = emu().control.injectFault({ pathPattern: '^/domains/', kind: 'delay', delayMs: 400 });
    expect(emu().control.faultHits(id)).toBe(0);
    const answered = graph().api('/domains/contoso.com').get();
    await waitUntil(() => emu().control.faultHits(id) > 0, 'the delayed request to be counted', 300);
    expect(emu().control.faultHits(id)).toBe(1);
    expect(
      emu()
        .control.calls()
        .filter((c) => c.path === '/domains/contoso.com'),
    ).toHaveLength(0);
    await expect(answered).resolves.toMatchObject({ id: 'contoso.com' });
    expect(emu().control.faultHits('no-such-fault')).toBe(0);
  });

  it("'malformed' answers 200 with invalid JSON", async () => {
    emu().control.injectFault({ pathPattern: userPath, kind: 'malformed' });
    await expect(graph().api(`/users/${IDS.synced}`).get()).rejects.toThrow();
    expect(emu().control.calls().at(-1)).toMatchObject({ status: 200, fault: 'malformed' });
  });

  it('can fail the token endpoint too (path matched without a Graph version)', async () => {
    emu().control.injectFault({ pathPattern: '/oauth2/v2.0/token$', status: 503, times: 1 });
    await expect(secretCredential(emu()).getToken('https://graph.microsoft.com/.default')).rejects.toThrow();
    await expect(secretCredential(emu()).getToken('https://graph.microsoft.com/.default')).resolves.toHaveProperty('token');
  });
});
