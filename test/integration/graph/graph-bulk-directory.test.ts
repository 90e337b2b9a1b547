import { createGraphDirectory, type CreateGraphDirectoryOptions, GraphBulkDirectory } from '../../../src/adapters/graph';
import { DirectoryError } from '../../../src/ports/directory';
import { BULK_GROUP_ID, bulkUserId, bulkUserUpn, startGraphEmulator, withSyncedUsers } from '../../../emulator';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import type { CallRecord } from '../../../emulator/types';
import { IDS, SEED, harness, silentLogger } from './graph-test-kit';

// GraphBulkDirectory ($batch, per-item retries, adaptive concurrency) against the Graph emulator.
const USERS = 150;
const upn = (i: number) => bulkUserUpn(i, 'contoso.com');
const id = (i: number) => bulkUserId(i);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const SOA_PATH = (userId: string) => `/users/${userId}/onPremisesSyncBehavior`;

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startGraphEmulator({
    seed: withSyncedUsers(SEED, USERS, 'contoso.com', { groupName: "Wave O'Neil" }),
    auditDelayMs: 0,
  });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => emu.control.reset());

/** A fresh directory (fresh token) with tiny retry delays. */
function bulk(overrides: Partial<CreateGraphDirectoryOptions> = {}): GraphBulkDirectory {
  return harness(emu, {
    timeoutMs: 10_000,
    ...overrides,
    bulk: { retryBaseDelayMs: 10, maxRetryDelayMs: 500, defaultRetryAfterMs: 20, ...overrides.bulk },
  }).bulkDirectory;
}

const batchItems = (filter: (c: CallRecord) => boolean = () => true) => emu.control.calls().filter((c) => c.inBatch && filter(c));
const batchPosts = () => emu.control.calls().filter((c) => !c.inBatch && c.path === '/$batch');
const patchesOf = (userId: string) => batchItems((c) => c.method === 'PATCH' && c.path === SOA_PATH(userId));

describe('GraphBulkDirectory', () => {
  it('answers transitive membership (checkMemberGroups) for many users in batches', async () => {
    const NESTED = '5d0a0002-0000-4000-8000-00000000d001';
    const OUTER = '5d0a0002-0000-4000-8000-00000000d002';
    const seed = withSyncedUsers(SEED, USERS, 'contoso.com', { groupName: "Wave O'Neil" });
    emu.control.seed({
      ...seed,
      groups: [
        ...(seed.groups ?? []),
        { id: OUTER, displayName: 'Tier 0', members: [NESTED] },
        { id: NESTED, displayName: 'Break-glass', members: [id(7), id(40)] },
      ],
    });
    const directory = bulk();
    const ids = range(45).map(id);
    const groups = [OUTER, BULK_GROUP_ID, ...range(21).map((i) => `5d0a0002-0000-4000-8000-0000000e${String(i).padStart(4, '0')}`)];
    const result = await directory.memberGroupsOf(ids, groups);
    expect([...result.keys()]).toEqual(ids);
    // Member through a nested group (OUTER) and directly (the bulk group); 23 group ids take two calls per user.
    expect(result.get(id(7))).toEqual({ ok: true, value: [OUTER, BULK_GROUP_ID] });
    expect(result.get(id(40))).toEqual({ ok: true, value: [OUTER, BULK_GROUP_ID] });
    expect(result.get(id(8))).toEqual({ ok: true, value: [BULK_GROUP_ID] });
    const checks = batchItems((c) => c.method === 'POST' && /\/checkMemberGroups$/.test(c.path));
    expect(checks).toHaveLength(90);
    expect(batchPosts().length).toBeGreaterThanOrEqual(5);
  });

  it('reads, patches and reads back 150 users in batches of at most 20, results keyed by the input', async () => {
    const directory = bulk();
    const keys = [...range(USERS).map(upn), 'nobody@contoso.com', upn(3)];
    const users = await directory.getUsers(keys);
    expect([...users.keys()]).toEqual(keys.slice(0, -1)); // one entry per distinct input, input order
    expect(users.get('nobody@contoso.com')).toEqual({ ok: true, value: null });
    const first = users.get(upn(0));
    expect(first).toMatchObject({ ok: true, value: { id: id(0), userPrincipalName: upn(0), onPremisesSyncEnabled: true } });
    expect(first?.ok && first.value?.onPremisesImmutableId).toBeTruthy();

    const ids = range(USERS).map(id);
    const before = await directory.getCloudManaged(ids);
    expect([...before.values()].every((r) => r.ok && r.value === false)).toBe(true);
    const written = await directory.setCloudManaged(ids, true);
    expect([...written.values()].every((r) => r.ok && r.value.status === 204 && r.value.requestId)).toBe(true);
    const after = await directory.getCloudManaged(ids);
    expect([...after.values()].every((r) => r.ok && r.value === true)).toBe(true);
    expect(ids.every((u) => emu.control.getUser(u)?.isCloudManaged)).toBe(true);

    // Everything went through $batch, never more than 20 items per batch, each user patched once.
    const posts = batchPosts();
    expect(emu.control.calls().filter((c) => !c.inBatch && c.version !== null && c.path !== '/$batch')).toEqual([]);
    expect(batchItems()).toHaveLength(USERS + 1 + USERS * 3);
    expect(posts.length).toBeGreaterThanOrEqual(Math.ceil((USERS * 4 + 1) / 20));
    expect(ids.every((u) => patchesOf(u).length === 1)).toBe(true);
  });

  it('accepts 200 with the object as success, and the wrapped GET shape', async () => {
    emu.control.setBehaviour({ soaPatchStatus: 200, wrapSoaInValue: true });
    const directory = bulk();
    const written = await directory.setCloudManaged([id(1), id(2)], true);
    expect([...written.values()].map((r) => r.ok && r.value.status)).toEqual([200, 200]);
    expect([...(await directory.getCloudManaged([id(1)])).values()]).toEqual([{ ok: true, value: true }]);
  });

  it('encodes UPNs as graph-paths does (#EXT#, leading $, quotes)', async () => {
    const keys = ["alice.o'neil@contoso.com", 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com', '$svc@contoso.com'];
    const users = await bulk().getUsers(keys);
    expect(
      keys.map((k) => {
        const r = users.get(k);
        return r?.ok && r.value?.id;
      }),
    ).toEqual([IDS.alice, IDS.guest, IDS.dollar]);
    const paths = batchItems().map((c) => c.path);
    expect(paths).toEqual(
      expect.arrayContaining(["/users/alice.o'neil@contoso.com", '/users/bob_fabrikam.com%23EXT%23@contoso.onmicrosoft.com', "/users('$svc@contoso.com')"]),
    );
  });

  it('retries only the items answered 429, after their own fractional Retry-After; the others are not repeated', async () => {
    const throttledUsers = [3, 17, 42, 77, 99].map(id);
    for (const u of throttledUsers) {
      emu.control.injectFault({ method: 'PATCH', pathPattern: `^${SOA_PATH(u)}$`, status: 429, retryAfter: '0.15', inBatch: true });
    }
    const directory = bulk();
    const ids = range(100).map(id);
    const written = await directory.setCloudManaged(ids, true);
    expect([...written.values()].every((r) => r.ok)).toBe(true);
    for (const u of ids) {
      const statuses = patchesOf(u).map((c) => c.status);
      expect(statuses).toEqual(throttledUsers.includes(u) ? [429, 204] : [204]);
    }
    for (const u of throttledUsers) {
      const [refused, accepted] = patchesOf(u).map((c) => Date.parse(c.at));
      expect(accepted - refused).toBeGreaterThanOrEqual(140);
    }
    expect(directory.stats()).toMatchObject({ throttled: 5, requests: 105 });
  });

  it('an item throttled beyond its retries comes back as GRAPH.THROTTLED; the others succeed', async () => {
    emu.control.injectFault({ method: 'PATCH', pathPattern: `^${SOA_PATH(id(5))}$`, status: 429, retryAfter: '0.01', times: -1, inBatch: true });
    const written = await bulk({ bulk: { maxItemRetries: 2 } }).setCloudManaged(range(10).map(id), true);
    const failed = written.get(id(5));
    expect(failed?.ok).toBe(false);
    expect(!failed?.ok && failed?.error).toMatchObject({ code: 'GRAPH.THROTTLED', details: { status: 429, graphCode: 'TooManyRequests' } });
    expect(patchesOf(id(5))).toHaveLength(3);
    expect([...written.values()].filter((r) => r.ok)).toHaveLength(9);
  });

  it('retries 5xx items with back-off and gives up after maxItemRetries with GRAPH.UNAVAILABLE', async () => {
    emu.control.injectFault({ method: 'GET', pathPattern: `^${SOA_PATH(id(1))}$`, status: 503, retryAfter: '0.02', times: 2, inBatch: true });
    emu.control.injectFault({ method: 'GET', pathPattern: `^${SOA_PATH(id(2))}$`, status: 500, times: -1, inBatch: true });
    const result = await bulk({ bulk: { maxItemRetries: 3 } }).getCloudManaged([id(0), id(1), id(2)]);
    expect(result.get(id(0))).toEqual({ ok: true, value: false });
    expect(result.get(id(1))).toEqual({ ok: true, value: false });
    const failed = result.get(id(2));
    expect(!failed?.ok && failed?.error).toMatchObject({ code: 'GRAPH.UNAVAILABLE', details: { status: 500 } });
    expect(batchItems((c) => c.path === SOA_PATH(id(2)))).toHaveLength(4);
    expect(batchItems((c) => c.path === SOA_PATH(id(0)))).toHaveLength(1);
  });

  it('honours a 429 on the whole $batch (the SDK retries it, every sender pauses)', async () => {
    emu.control.injectFault({ method: 'POST', pathPattern: '^/\\$batch$', status: 429, retryAfter: '0.05', times: 1, inBatch: false });
    const directory = bulk();
    const users = await directory.getUsers(range(10).map(upn));
    expect([...users.values()].every((r) => r.ok && r.value)).toBe(true);
    expect(batchPosts().map((c) => c.status)).toEqual([429, 200]);
    expect(directory.stats()).toMatchObject({ throttled: 10, requests: 20 });
  });

  it('a 424 is sent again once its dependency succeeded, without the dependency', async () => {
    const { executor } = bulk();
    emu.control.injectFault({ method: 'PATCH', pathPattern: `^${SOA_PATH(id(7))}$`, status: 429, retryAfter: '0.05', inBatch: true });
    const [patch, readBack] = await executor.execute([
      { method: 'PATCH', url: SOA_PATH(id(7)), body: { isCloudManaged: true } },
      { method: 'GET', url: `${SOA_PATH(id(7))}?$select=isCloudManaged`, dependsOn: [0] },
    ]);
    expect(patch).toMatchObject({ kind: 'response', status: 204, attempts: 2 });
    expect(readBack).toMatchObject({ kind: 'response', status: 200, body: { isCloudManaged: true }, attempts: 2 });
    expect(batchItems((c) => c.path === SOA_PATH(id(7))).map((c) => `${c.method} ${c.status}`)).toEqual(['PATCH 429', 'PATCH 204', 'GET 200']);
    // The read back first came back 424 (not executed by Graph, so not in the call log), then alone.
    expect(batchPosts()).toHaveLength(3);
  });

  it('a 424 whose dependency failed for good is the answer', async () => {
    const { executor } = bulk();
    const [patch, readBack] = await executor.execute([
      { method: 'PATCH', url: SOA_PATH(IDS.cloud), body: { isCloudManaged: true } },
      { method: 'GET', url: `${SOA_PATH(IDS.cloud)}?$select=isCloudManaged`, dependsOn: [0] },
    ]);
    expect(patch).toMatchObject({ status: 400 });
    expect(readBack).toMatchObject({ status: 424, body: { error: { code: 'FailedDependency' } }, attempts: 1 });
  });

  it('404 is a null user for getUsers and GRAPH.NOT_FOUND for the SOA calls', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    const directory = bulk();
    expect((await directory.getUsers([unknown])).get(unknown)).toEqual({ ok: true, value: null });
    const read = (await directory.getCloudManaged([unknown])).get(unknown);
    expect(!read?.ok && read?.error).toMatchObject({ code: 'GRAPH.NOT_FOUND', details: { status: 404, graphCode: 'Request_ResourceNotFound' } });
    const write = (await directory.setCloudManaged([unknown], true)).get(unknown);
    expect(!write?.ok && write?.error.code).toBe('GRAPH.NOT_FOUND');
    // A key that cannot form a path fails alone, unsent.
    const bad = await directory.getUsers(['  ', upn(1)]);
    expect(bad.get('  ')).toMatchObject({ ok: false, error: { code: 'GRAPH.BAD_REQUEST' } });
    expect(bad.get(upn(1))?.ok).toBe(true);
  });

  it('403 names the permission the item needs, with a request id', async () => {
    emu.control.setGrantedRoles(['User.Read.All', 'GroupMember.Read.All']);
    const directory = bulk();
    const written = await directory.setCloudManaged([id(1), id(2)], true);
    for (const r of written.values()) {
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error).toBeInstanceOf(DirectoryError);
      expect(r.error).toMatchObject({
        code: 'GRAPH.PERMISSION_MISSING',
        details: { status: 403, graphCode: 'Authorization_RequestDenied', permission: 'User-OnPremisesSyncBehavior.ReadWrite.All' },
      });
      expect(r.error.details.requestId).toBeTruthy();
      expect(r.error.message).toContain('User-OnPremisesSyncBehavior.ReadWrite.All');
    }
    expect((await directory.getUsers([upn(1)])).get(upn(1))?.ok).toBe(true);
    emu.control.setGrantedRoles(['User-OnPremisesSyncBehavior.ReadWrite.All']);
    const noRead = (await bulk().getUsers([upn(1)])).get(upn(1));
    expect(!noRead?.ok && noRead?.error.details.permission).toBe('User.Read.All');
    const members = await bulk()
      .groupMembers(BULK_GROUP_ID)
      .catch((e: unknown) => e);
    expect(members).toMatchObject({ code: 'GRAPH.PERMISSION_MISSING', details: { permission: 'GroupMember.Read.All' } });
  });

  it("takes each item's request id from its headers when Graph sends one, else the $batch's", async () => {
    const directory = bulk();
    const without = (await directory.setCloudManaged([id(1)], true)).get(id(1));
    expect(without?.ok && without.value.requestId).toBe(batchPosts().at(-1)?.requestId);
    emu.control.setBehaviour({ batchItemRequestIds: true });
    const withIds = (await directory.setCloudManaged([id(2)], true)).get(id(2));
    expect(withIds?.ok && withIds.value.requestId).toBe(patchesOf(id(2))[0].requestId);
  });

  it('never mixes API versions in one batch', async () => {
    const beta = bulk({ apiVersion: 'beta' });
    await beta.getUsers(range(30).map(upn));
    await beta.setCloudManaged([id(0)], true);
    expect(
      new Set(
        emu.control
          .calls()
          .filter((c) => c.version !== null)
          .map((c) => c.version),
      ),
    ).toEqual(new Set(['beta']));
    emu.control.clearCalls();
    const { executor } = bulk();
    const outcomes = await executor.execute(
      range(30).map((i) => ({ method: 'GET' as const, url: `/users/${id(i)}?$select=id`, version: i % 2 === 0 ? ('v1.0' as const) : ('beta' as const) })),
    );
    expect(outcomes.every((o) => o.kind === 'response' && o.status === 200)).toBe(true);
    expect(
      batchPosts()
        .map((c) => c.version)
        .sort(),
    ).toEqual(['beta', 'v1.0']);
    for (let i = 0; i < 30; i++) expect(batchItems((c) => c.path === `/users/${id(i)}`)[0].version).toBe(i % 2 === 0 ? 'v1.0' : 'beta');
    expect(() =>
      executor.execute([
        { method: 'GET', url: '/users/x', version: 'beta' },
        { method: 'GET', url: '/users/y', dependsOn: [0] },
      ]),
    ).toThrow(/versions/);
  });

  it("reads a group's user members across pages and finds groups by exact name", async () => {
    emu.control.setBehaviour({ pageSize: 40 });
    const directory = bulk();
    const before = directory.stats();
    const members = await directory.groupMembers(BULK_GROUP_ID);
    expect(members).toHaveLength(USERS);
    expect(members[0]).toEqual({ id: id(0), userPrincipalName: upn(0) });
    const pages = emu.control.calls().filter((c) => c.path === `/groups/${BULK_GROUP_ID}/members/microsoft.graph.user`);
    expect(pages).toHaveLength(Math.ceil(USERS / 40));
    // Pages outside a batch go through the same throttle controller: each counted as one request, none left in flight.
    expect(directory.stats().requests - before.requests).toBe(pages.length);
    expect(directory.stats().inFlightItems).toBe(0);
    expect(pages[0].query).toMatchObject({ $select: 'id,userPrincipalName', $top: '999' });

    // stopAfter: no page is read once enough members are known, and no more than that many come back.
    emu.control.clearCalls();
    expect(await directory.groupMembers(BULK_GROUP_ID, { stopAfter: 41 })).toHaveLength(41);
    expect(emu.control.calls().filter((c) => c.path === `/groups/${BULK_GROUP_ID}/members/microsoft.graph.user`)).toHaveLength(2);

    expect(await directory.findGroupsByName("Wave O'Neil")).toEqual([{ id: BULK_GROUP_ID, displayName: "Wave O'Neil" }]);
    expect(await directory.findGroupsByName('g2')).toEqual([{ id: expect.any(String), displayName: 'g2' }]);
    expect(await directory.findGroupsByName('no such group')).toEqual([]);
    const err = await directory.groupMembers('99999999-9999-4999-8999-999999999999').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GRAPH.NOT_FOUND' });
  });

  it('returns every group with the name (Graph compares case-insensitively) so callers can refuse ambiguity', async () => {
    emu.control.seed({
      ...SEED,
      groups: [
        { id: 'aaaaaaaa-1111-4000-8000-000000000001', displayName: 'Sales' },
        { id: 'aaaaaaaa-1111-4000-8000-000000000002', displayName: 'sales' },
      ],
    });
    expect((await bulk().findGroupsByName('Sales')).map((g) => g.displayName).sort()).toEqual(['Sales', 'sales']);
  });

  it('reads each user and its SOA flag in the same round of batches, addressed by the key given', async () => {
    emu.control.setUser({ id: id(7), isCloudManaged: true });
    const keys = [...range(30).map(upn), 'nobody@contoso.com'];
    const read = await bulk().getUsersWithSoa(keys);
    expect([...read.keys()]).toEqual(keys);
    expect(read.get(upn(0))).toMatchObject({ ok: true, value: { user: { id: id(0), onPremisesSyncEnabled: true }, isCloudManaged: false } });
    expect(read.get(upn(7))).toMatchObject({ ok: true, value: { user: { id: id(7) }, isCloudManaged: true } });
    expect(read.get('nobody@contoso.com')).toEqual({ ok: true, value: { user: null, isCloudManaged: null } });
    // Two items per key, nothing read a second time: 62 items in 4 batches of at most 20.
    expect(batchItems()).toHaveLength(62);
    expect(batchPosts()).toHaveLength(4);
    expect(batchItems((c) => c.path.endsWith('/onPremisesSyncBehavior') && c.path.includes('@'))).toHaveLength(31);
  });

  it('calls made in the same turn of the event loop share batches (a burst of status messages)', async () => {
    const directory = bulk();
    await directory.getUsers([upn(0)]); // token and connection first
    emu.control.clearCalls();
    const reads = await Promise.all(range(10, 1).map((i) => directory.getUsersWithSoa([upn(i)])));
    expect(reads.map((r, k) => r.get(upn(k + 1))?.ok)).toEqual(Array(10).fill(true));
    expect(batchItems()).toHaveLength(20);
    expect(batchPosts()).toHaveLength(1);
  });

  it("reads the SOA flag again by object id when Graph refuses it by UPN, and keeps a 403 as that user's error", async () => {
    emu.control.injectFault({ method: 'GET', pathPattern: '^/users/[^/]*@[^/]*/onPremisesSyncBehavior$', status: 400, times: -1, inBatch: true });
    emu.control.injectFault({ method: 'GET', pathPattern: `^${SOA_PATH(id(2))}$`, status: 403, times: -1, inBatch: true });
    const read = await bulk().getUsersWithSoa(range(5).map(upn));
    expect(read.get(upn(0))).toMatchObject({ ok: true, value: { user: { id: id(0) }, isCloudManaged: false } });
    expect(read.get(upn(4))).toMatchObject({ ok: true, value: { user: { id: id(4) }, isCloudManaged: false } });
    const refused = read.get(upn(2));
    expect(refused?.ok).toBe(false);
    expect(!refused?.ok && refused?.error.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(batchItems((c) => c.path === SOA_PATH(id(0)))).toHaveLength(1);
  });

  it('stats() counts item requests, 429s and the current concurrency', async () => {
    const directory = bulk();
    // 16 batches per lane at the start, reads and writes.
    expect(directory.stats()).toMatchObject({ requests: 0, throttled: 0, concurrency: 32 });
    await directory.getUsers(range(45).map(upn));
    const stats = directory.stats();
    expect(stats).toMatchObject({ requests: 45, throttled: 0, batches: 3 });
    expect(stats.concurrency).toBeGreaterThan(32);
  });
});

describe('GraphBulkDirectory under the emulated identity service limits', () => {
  let limited: RunningEmulator;
  beforeAll(async () => {
    limited = await startGraphEmulator({ seed: withSyncedUsers({}, 400, 'contoso.com'), auditDelayMs: 0 });
  });
  afterAll(async () => {
    await limited?.close();
  });

  function limitedBulk(): GraphBulkDirectory {
    return createGraphDirectory({
      tenantId: limited.tenantId,
      clientId: limited.clientId,
      clientSecret: limited.clientSecret,
      authorityHost: limited.authorityHost,
      graphBaseUrl: limited.baseUrl,
      retryOptions: { maxRetries: 0 },
      retryDelaySeconds: 0.01,
      logger: silentLogger(),
      bulk: { maxItemRetries: 20 },
    }).bulkDirectory;
  }

  /** Samples the read lane's window every 5 ms while the call runs. */
  async function sampled<T>(directory: GraphBulkDirectory, run: () => Promise<T>): Promise<{ result: T; windows: number[] }> {
    const windows: number[] = [];
    const timer = setInterval(() => windows.push(directory.stats().readConcurrency), 5);
    try {
      return { result: await run(), windows };
    } finally {
      clearInterval(timer);
      windows.push(directory.stats().readConcurrency);
    }
  }

  it('resource units: every item eventually succeeds, some were 429, concurrency went down then recovered', async () => {
    // 60 RU per 10 s, time 20x faster: 120 RU/s; 400 reads need (400 - 60) / 120 = 2.8 s at best.
    limited.control.reset();
    limited.control.setThrottle({ resourceUnitsPer10s: 60, timeScale: 20 });
    const directory = limitedBulk();
    const start = directory.stats();
    const throttledPhase = await sampled(directory, () => directory.getUsers(range(400).map(upn)));
    expect([...throttledPhase.result.values()].every((r) => r.ok && r.value)).toBe(true);
    const stats = directory.stats();
    expect(stats.throttled).toBeGreaterThan(0);
    expect(limited.control.throttleStatus().counters.throttled).toBe(stats.throttled);
    const low = Math.min(...throttledPhase.windows);
    expect(low).toBeLessThan(start.readConcurrency / 2);
    expect(stats.concurrency).toBeLessThan(start.concurrency);

    // The pressure gone (a quieter moment, here: limits lifted), healthy answers grow the window again.
    limited.control.setThrottle(null);
    const calmPhase = await sampled(directory, async () => {
      for (let i = 0; i < 5; i++) await directory.getUsers(range(80, 80 * i).map(upn));
    });
    expect(calmPhase.windows.at(-1)).toBeGreaterThan(low * 4);
    expect(directory.stats().throttled).toBe(stats.throttled);
  });

  it('writes: each user is patched successfully exactly once, 429s are retried', async () => {
    // 30 writes per 150 s, time 150x faster: 30 writes/s; 120 PATCHes need (120 - 30) / 30 = 3 s at best.
    limited.control.reset();
    limited.control.setThrottle({ writesPer150s: 30, timeScale: 150 });
    const directory = limitedBulk();
    const ids = range(120).map(id);
    const written = await directory.setCloudManaged(ids, true);
    expect([...written.values()].every((r) => r.ok)).toBe(true);
    expect(directory.stats().throttled).toBeGreaterThan(0);
    const calls = limited.control.calls().filter((c) => c.inBatch && c.method === 'PATCH');
    for (const u of ids) expect(calls.filter((c) => c.path === SOA_PATH(u) && c.status === 204)).toHaveLength(1);
    expect(calls.filter((c) => c.status === 429).length).toBe(directory.stats().throttled);
    expect(ids.every((u) => limited.control.getUser(u)?.isCloudManaged)).toBe(true);
  });
});
