import { join } from 'node:path';
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import {
  bulkUserId,
  bulkUserUpn,
  DEMO_IDS,
  demoTenant,
  RunningEmulator,
  startGraphEmulator,
  syncedUsers,
  tenantSizeClass,
  withSyncedUsers,
} from '../../../emulator';
import { startChild } from '../../../scripts/support/child-processes';
import { graphClient, graphFailure, secretCredential, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

// docs/soa-and-graph.md §7 identity limits: token buckets per app per tenant by tenant size class, costs per call type,
// $batch items charged and throttled one by one, headers, Retry-After from the refill, time scale, latency.
const noRetry = [new RetryHandlerOptions(0, 0)];
type Raw = Response;

describe('resource units and writes (identity service limits)', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });
  const raw = (path: string, query: Record<string, string> = {}) => {
    let req = graph()
      .api(path)
      .responseType('raw' as never)
      .middlewareOptions(noRetry);
    if (query.select) req = req.select(query.select);
    if (query.expand) req = req.expand(query.expand);
    if (query.filter) req = req.filter(query.filter);
    return req;
  };
  const ru = (res: Raw) => res.headers.get('x-ms-resource-unit');

  it('is off by default: no headers, no 429', async () => {
    const res = (await raw(`/users/${IDS.synced}`).get()) as Raw;
    expect(res.status).toBe(200);
    expect(ru(res)).toBeNull();
    expect(emu().control.throttleStatus()).toMatchObject({ enabled: false, counters: { charged: 0 } });
  });

  it('charges each call type its cost: $select -1 (minimum 1), $expand +1, PATCH 1 RU + 1 write', async () => {
    emu().control.setThrottle({});
    const cost = async (path: string, query: Record<string, string> = {}) => ru((await raw(path, query).get()) as Raw);
    expect(await cost(`/users/${IDS.synced}`)).toBe('1');
    expect(await cost(`/users/${IDS.synced}`, { select: 'id' })).toBe('1');
    expect(await cost(`/users/${IDS.synced}/memberOf`)).toBe('2');
    expect(await cost(`/users/${IDS.synced}/memberOf`, { select: 'id' })).toBe('1');
    expect(await cost(`/users/${IDS.synced}/transitiveMemberOf`)).toBe('5');
    expect(await cost(`/groups/${IDS.groupA}/members`)).toBe('3');
    expect(await cost(`/groups/${IDS.groupA}/members/microsoft.graph.user`)).toBe('3');
    expect(await cost('/groups', { filter: "displayName eq 'Group A'" })).toBe('2');
    expect(await cost('/identityGovernance/entitlementManagement/accessPackages', { expand: 'resourceRoleScopes($expand=scope)' })).toBe('3');
    const check = (await graph()
      .api(`/users/${IDS.synced}/checkMemberGroups`)
      .responseType('raw' as never)
      .post({ groupIds: [IDS.groupA] })) as Raw;
    expect(ru(check)).toBe('4');
    const before = emu().control.throttleStatus().counters;
    const patch = (await graph()
      .api(`/users/${IDS.synced}/onPremisesSyncBehavior`)
      .responseType('raw' as never)
      .patch({ isCloudManaged: true })) as Raw;
    expect(ru(patch)).toBe('1');
    expect(emu().control.throttleStatus().counters).toEqual({
      ...before,
      charged: before.charged + 1,
      resourceUnits: before.resourceUnits + 1,
      writes: before.writes + 1,
    });
  });

  it('takes the resource units from the tenant size class: under 50, 50-500, over 500 users', async () => {
    expect([tenantSizeClass(49), tenantSizeClass(50), tenantSizeClass(500), tenantSizeClass(501)]).toEqual(['small', 'medium', 'medium', 'large']);
    emu().control.setThrottle({});
    expect(emu().control.throttleStatus()).toMatchObject({
      tenantSize: 'small',
      resourceUnits: { capacity: 3500, windowSeconds: 10 },
      writes: { capacity: 3000, windowSeconds: 150 },
    });
    emu().control.addSyncedUsers({ count: 100 });
    expect(emu().control.throttleStatus()).toMatchObject({ tenantSize: 'medium', resourceUnits: { capacity: 5000 } });
    emu().control.addSyncedUsers({ count: 500 });
    expect(emu().control.throttleStatus()).toMatchObject({ tenantSize: 'large', userCount: 607, resourceUnits: { capacity: 8000, refillPerSecond: 800 } });
    emu().control.setThrottle({ tenantSize: 'small', timeScale: 10 });
    expect(emu().control.throttleStatus()).toMatchObject({
      tenantSize: 'small',
      resourceUnits: { capacity: 3500, refillPerSecond: 3500 },
      writes: { refillPerSecond: 200 },
    });
  });

  it('charges and throttles $batch items one by one: a 429 item with its own Retry-After while others succeed', async () => {
    emu().control.setThrottle({ resourceUnitsPer10s: 5 });
    const requests = Array.from({ length: 8 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${IDS.synced}?$select=id` }));
    const res = await graph().api('/$batch').post({ requests });
    const statuses = res.responses.map((r: { status: number }) => r.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = res.responses[5];
    expect(Number(refused.headers['Retry-After'])).toBeCloseTo(2, 1); // one unit back every 10 s / 5 = 2 s
    expect(Number(refused.headers['x-ms-throttle-limit-percentage'])).toBeGreaterThan(1);
    expect(refused.body.error.code).toBe('TooManyRequests');
    expect(res.responses[4].headers['x-ms-throttle-limit-percentage']).toBe('1');
    expect(res.responses[0].headers['x-ms-throttle-limit-percentage']).toBeUndefined(); // only from 0.8 on
    expect(emu().control.throttleStatus().counters).toMatchObject({ charged: 5, throttled: 3 });
  });

  it('computes Retry-After from the refill, divided by the time scale', async () => {
    const retryAfter = async (): Promise<number> => {
      const err = await graphFailure(graph().api(`/users/${IDS.synced}/checkMemberGroups`).middlewareOptions(noRetry).post({ groupIds: [] }));
      expect(err.statusCode).toBe(429);
      return Number(err.headers?.get('Retry-After'));
    };
    // 4 RU per 10 s: after one GET, checkMemberGroups (4) misses 1 unit = 2.5 s.
    emu().control.setThrottle({ resourceUnitsPer10s: 4 });
    await raw(`/users/${IDS.synced}`).get();
    const real = await retryAfter();
    expect(real).toBeGreaterThan(2.4);
    expect(real).toBeLessThanOrEqual(2.5);
    emu().control.setThrottle({ resourceUnitsPer10s: 4, timeScale: 10 });
    await raw(`/users/${IDS.synced}`).get();
    const scaled = await retryAfter();
    expect(scaled).toBeGreaterThan(0.2);
    expect(scaled).toBeLessThanOrEqual(0.25);
  });

  it('limits writes separately (3,000 per 150 s by default): reads go on while writes are refused', async () => {
    emu().control.setThrottle({ writesPer150s: 2 });
    const patch = (id: string) => graph().api(`/users/${id}/onPremisesSyncBehavior`).middlewareOptions(noRetry).patch({ isCloudManaged: true });
    await patch(IDS.synced);
    await patch(IDS.rolledBack);
    const err = await graphFailure(patch(IDS.dollar));
    expect(err.statusCode).toBe(429);
    expect(Number(err.headers?.get('Retry-After'))).toBeGreaterThan(74); // one write back every 75 s
    expect(Number(err.headers?.get('x-ms-throttle-limit-percentage'))).toBeGreaterThan(1);
    expect(((await raw(`/users/${IDS.synced}`).get()) as Raw).status).toBe(200);
    expect(emu().control.getUser(IDS.dollar)?.isCloudManaged).toBe(false);
  });

  it('buckets refill: after Retry-After the call goes through', async () => {
    emu().control.setThrottle({ resourceUnitsPer10s: 2, timeScale: 50 }); // 10 RU/s
    await raw(`/users/${IDS.synced}`).get();
    await raw(`/users/${IDS.synced}`).get();
    const err = await graphFailure(graph().api(`/users/${IDS.synced}`).middlewareOptions(noRetry).get());
    const wait = Number(err.headers?.get('Retry-After'));
    // Real time is what is tested: the token buckets refill on the emulator's (real) clock.
    await new Promise((r) => setTimeout(r, wait * 1000 + 5));
    expect(((await raw(`/users/${IDS.synced}`).get()) as Raw).status).toBe(200);
  });

  it('reset() refills the buckets and restores the start-up limits', async () => {
    emu().control.setThrottle({ resourceUnitsPer10s: 1 });
    emu().control.setLatency(50);
    await raw(`/users/${IDS.synced}`).get();
    emu().control.reset();
    expect(emu().state.limits).toEqual({ throttle: null, latencyMs: 0 });
    expect(emu().control.throttleStatus().counters.charged).toBe(0);
  });
});

describe('latency', () => {
  const { emu, graph } = useEmulator({ seed: testTenant(), latencyMs: 150 });

  it('is added to each HTTP request, and to a $batch once as a whole', async () => {
    let t0 = performance.now();
    await graph().api(`/users/${IDS.synced}`).get();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    const requests = Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/users/${IDS.synced}` }));
    t0 = performance.now();
    await graph().api('/$batch').post({ requests });
    const batchMs = performance.now() - t0;
    expect(batchMs).toBeGreaterThanOrEqual(145);
    expect(batchMs).toBeLessThan(600);
    emu().control.setLatency(0);
    t0 = performance.now();
    await graph().api(`/users/${IDS.synced}`).get();
    expect(performance.now() - t0).toBeLessThan(145);
  });

  it('does not slow the token endpoint or the control API', async () => {
    let t0 = performance.now();
    await fetch(`${emu().baseUrl}/_control/throttle`);
    expect(performance.now() - t0).toBeLessThan(145);
    t0 = performance.now();
    await secretCredential(emu()).getToken('https://graph.microsoft.com/.default');
    expect(performance.now() - t0).toBeLessThan(145);
  });
});

describe('fault injection on $batch items', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });

  it('inBatch true hits only items, inBatch false only top-level requests', async () => {
    emu().control.injectFault({ pathPattern: `^/users/${IDS.synced}$`, status: 429, retryAfter: '0.5', inBatch: true, times: -1 });
    expect((await graph().api(`/users/${IDS.synced}`).get()).id).toBe(IDS.synced);
    const res = await graph()
      .api('/$batch')
      .post({
        requests: [
          { id: '1', method: 'GET', url: `/users/${IDS.synced}` },
          { id: '2', method: 'GET', url: `/users/${IDS.cloud}` },
        ],
      });
    expect(res.responses.map((r: { status: number }) => r.status)).toEqual([429, 200]);
    expect(res.responses[0].headers['Retry-After']).toBe('0.5');
    emu().control.clearFaults();
    emu().control.injectFault({ pathPattern: `^/users/${IDS.synced}$`, status: 503, inBatch: false, times: -1 });
    const again = await graph()
      .api('/$batch')
      .post({ requests: [{ id: '1', method: 'GET', url: `/users/${IDS.synced}` }] });
    expect(again.responses[0].status).toBe(200);
    expect((await graphFailure(graph().api(`/users/${IDS.synced}`).middlewareOptions(noRetry).get())).statusCode).toBe(503);
  });

  it('puts request ids in item headers when asked to', async () => {
    const body = { requests: [{ id: '1', method: 'GET', url: `/users/${IDS.synced}` }] };
    expect((await graph().api('/$batch').post(body)).responses[0].headers['request-id']).toBeUndefined();
    emu().control.setBehaviour({ batchItemRequestIds: true });
    const rid = (await graph().api('/$batch').post(body)).responses[0].headers['request-id'];
    expect(rid).toBe(
      emu()
        .control.calls()
        .filter((c) => c.inBatch)
        .at(-1)?.requestId,
    );
  });
});

describe('synced users in bulk, groups by name and user members', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startGraphEmulator({ seed: withSyncedUsers(demoTenant(), 10_000, 'contoso.com', { groupName: 'Wave 1' }) });
  });
  afterAll(() => emu.close());

  it('builds 10,000 synced users quickly without touching the demo tenant', async () => {
    const t0 = performance.now();
    const users = syncedUsers(10_000, 'bulk.example');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(users[9999]).toMatchObject({
      id: bulkUserId(9999),
      userPrincipalName: 'bulk09999@bulk.example',
      onPremisesSyncEnabled: true,
      isCloudManaged: false,
    });
    expect(new Set(users.map((u) => u.onPremisesImmutableId)).size).toBe(10_000);
    expect(demoTenant().users).toHaveLength(14);
    expect(emu.state.users.size).toBe(10_014);
    const graph = graphClient(emu);
    const last = await graph
      .api(`/users/${bulkUserUpn(9999, 'contoso.com')}`)
      .select('id,onPremisesSyncEnabled')
      .get();
    expect(last).toMatchObject({ id: bulkUserId(9999), onPremisesSyncEnabled: true });
    expect((await graph.api('/users/alice@contoso.com').select('id').get()).id).toBe(DEMO_IDS.users.alice);
  });

  it("filters groups by displayName eq '...' (quotes doubled, case-insensitive) and refuses other filters", async () => {
    const graph = graphClient(emu);
    expect((await graph.api('/groups').filter("displayName eq 'wave 1'").select('id,displayName').get()).value).toEqual([
      { id: expect.any(String), displayName: 'Wave 1' },
    ]);
    emu.state.groups.set('g-quote', {
      id: 'g-quote',
      displayName: "O'Neil team",
      description: null,
      mailEnabled: false,
      securityEnabled: true,
      onPremisesSyncEnabled: null,
      onPremisesImmutableId: null,
      onPremisesSecurityIdentifier: null,
      onPremisesLastSyncDateTime: null,
      isCloudManaged: false,
      members: [],
    });
    expect((await graph.api('/groups').filter(encodeURIComponent("displayName eq 'O''Neil team'")).get()).value.map((g: { id: string }) => g.id)).toEqual([
      'g-quote',
    ]);
    expect((await graph.api('/groups').filter("displayName eq 'nothing'").get()).value).toEqual([]);
    expect((await graphFailure(graph.api('/groups').filter("startswith(displayName,'W')").get())).statusCode).toBe(400);
  });

  it("lists a group's user members, paged with $top and @odata.nextLink", async () => {
    const graph = graphClient(emu);
    const group = (await graph.api('/groups').filter("displayName eq 'Wave 1'").get()).value[0];
    let page = await graph.api(`/groups/${group.id}/members/microsoft.graph.user`).select('id,userPrincipalName').top(999).get();
    const seen: string[] = [];
    for (;;) {
      seen.push(...page.value.map((u: { userPrincipalName: string }) => u.userPrincipalName));
      expect(Object.keys(page.value[0]).sort()).toEqual(['id', 'userPrincipalName']);
      if (!page['@odata.nextLink']) break;
      page = await graph.api(page['@odata.nextLink']).get();
    }
    expect(seen).toHaveLength(10_000);
    expect(new Set(seen).size).toBe(10_000);
  });
});

describe('control API and CLI for the limits', () => {
  it('switches throttling, latency and bulk users over HTTP', async () => {
    const emu = await startGraphEmulator({ seed: testTenant() });
    try {
      const control = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${emu.baseUrl}/_control/${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      expect((await control('PUT', 'throttle', { tenantSize: 'large', timeScale: 10, writesPer150s: 300 })).body).toMatchObject({
        enabled: true,
        tenantSize: 'large',
        timeScale: 10,
        resourceUnits: { capacity: 8000, refillPerSecond: 8000 },
        writes: { capacity: 300, refillPerSecond: 20 },
      });
      expect((await control('PUT', 'throttle', { timeScale: -1 })).status).toBe(400);
      expect((await control('PUT', 'throttle', { bogus: 1 })).status).toBe(400);
      expect((await control('PUT', 'latency', { ms: 25 })).body).toEqual({ ms: 25 });
      expect((await control('POST', 'synced-users', { count: 600, domain: 'wave.example', groupName: 'Wave 2' })).body).toMatchObject({
        added: 600,
        firstId: bulkUserId(0),
        userCount: 607,
      });
      expect((await control('POST', 'synced-users', { count: 10 })).body).toMatchObject({ added: 10, firstId: bulkUserId(600) });
      expect((await control('GET', 'throttle')).body).toMatchObject({ enabled: true, latencyMs: 25, userCount: 617 });
      expect((await control('DELETE', 'throttle')).body).toMatchObject({ enabled: false });
      expect((await control('GET', 'state')).body.limits).toEqual({ throttle: null, latencyMs: 25 });
    } finally {
      await emu.close();
    }
  });

  it('the CLI takes --synced-users, --throttle, --time-scale and --latency-ms', async () => {
    const root = join(__dirname, '..', '..', '..');
    const child = startChild(
      'emulator CLI',
      process.execPath,
      [
        '-r',
        join(__dirname, 'ts-register.js'),
        join(root, 'emulator', 'cli.ts'),
        '--seed',
        'demo',
        '--synced-users',
        '600',
        '--synced-domain',
        'bulk.example',
        '--throttle',
        '--time-scale',
        '10',
        '--latency-ms',
        '5',
      ],
      { cwd: root, env: process.env, endWithThisProcess: true },
    );
    try {
      const info = JSON.parse((await child.waitForLine(/^\{"baseUrl":.*\}$/, 20_000))[0]);
      const status = await (await fetch(`${info.baseUrl}/_control/throttle`)).json();
      expect(status).toMatchObject({ enabled: true, tenantSize: 'large', userCount: 614, timeScale: 10, latencyMs: 5, resourceUnits: { capacity: 8000 } });
    } finally {
      await child.stop(5_000);
    }
  });
});
