import { Storage } from '../../src/adapters/storage/database-stores';
import { SoaRequest } from '../../src/domain/soa-request';
import { RequestQuery, RequestStore } from '../../src/ports/request-store';
import { aDecision, aPerson, aPreflightResult, aRequestEvent, aTarget, aRequest } from '../support/builders';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

const RITA = 'aaaaaaaa-0000-4000-8000-000000000001';
const OTTO = 'aaaaaaaa-0000-4000-8000-000000000002';

/** 12 requests: alternating kinds and requesters, 3 statuses, one per hour; R-05 has target x@contoso.com. */
function fixtures(): SoaRequest[] {
  return Array.from({ length: 12 }, (_, k) => {
    const id = `R-${String(k).padStart(2, '0')}`;
    return aRequest({
      id,
      kind: k % 2 === 0 ? 'transfer' : 'rollback',
      status: (['pending', 'completed', 'halted'] as const)[k % 3],
      requester: aPerson({ aadObjectId: k % 4 === 0 ? RITA.toUpperCase() : k % 4 === 1 ? RITA : OTTO }),
      createdAt: new Date(Date.UTC(2025, 5, 1, k)).toISOString(),
      expiresAt: new Date(Date.UTC(2025, 5, 2, k)).toISOString(),
      targets: k === 5 ? [aTarget(), aTarget({ preflight: aPreflightResult({ upn: 'X@Contoso.com' }) })] : [aTarget()],
    });
  });
}

async function allPages(store: RequestStore, query: Omit<RequestQuery, 'after'>): Promise<string[][]> {
  const pages: string[][] = [];
  let after = null;
  for (let guard = 0; guard < 50; guard++) {
    const page = await store.listPage({ ...query, after });
    pages.push(page.requests.map((r) => r.id));
    if (!page.next) return pages;
    after = page.next;
  }
  throw new Error('paging did not end');
}

function listContract(impl: StorageImplementation): void {
  describe(`RequestStore.listPage contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: RequestStore;
    beforeAll(async () => {
      storage = await impl.open();
      store = storage.requests;
      // Inserted out of order: the order comes from created_at, not from insertion.
      for (const r of [...fixtures()].reverse()) await store.create(r, aRequestEvent({ requestId: r.id }));
    });
    afterAll(() => impl.cleanup());

    it('pages oldest first and newest first with a keyset cursor, no row twice, none missed', async () => {
      const all = fixtures().map((r) => r.id);
      expect(await allPages(store, { order: 'oldest-first', limit: 5 })).toEqual([all.slice(0, 5), all.slice(5, 10), all.slice(10)]);
      expect((await allPages(store, { order: 'newest-first', limit: 4 })).flat()).toEqual([...all].reverse());
      // An exact multiple of the page size: the last full page says there is no next one.
      expect(await allPages(store, { order: 'oldest-first', limit: 6 })).toEqual([all.slice(0, 6), all.slice(6)]);
    });

    it('returns summaries without targets, with their count', async () => {
      const page = await store.listPage({ order: 'oldest-first', limit: 100, statuses: ['completed'], kinds: ['rollback'] });
      expect(page.requests.map((r) => r.id)).toEqual(['R-01', 'R-07']);
      const r05 = (await store.listPage({ order: 'oldest-first', limit: 1, after: { createdAt: fixtures()[4].createdAt, id: 'R-04' } })).requests[0];
      expect(r05.id).toBe('R-05');
      expect(r05.targetCount).toBe(2);
      expect('targets' in r05).toBe(false);
      const { targets: _t, ...rest } = fixtures()[5];
      expect(r05).toEqual({ ...rest, targetCount: 2 });
    });

    it('filters by status, kind, requester (any case), date range and target UPN (any case), ANDed', async () => {
      const ids = async (q: Partial<RequestQuery>) => (await store.listPage({ order: 'oldest-first', limit: 100, ...q })).requests.map((r) => r.id);
      expect(await ids({ statuses: ['pending', 'halted'] })).toEqual(['R-00', 'R-02', 'R-03', 'R-05', 'R-06', 'R-08', 'R-09', 'R-11']);
      expect(await ids({ kinds: ['transfer'], statuses: ['pending'] })).toEqual(['R-00', 'R-06']);
      expect(await ids({ requesterId: RITA })).toEqual(['R-00', 'R-01', 'R-04', 'R-05', 'R-08', 'R-09']);
      expect(await ids({ requesterId: RITA.toUpperCase(), kinds: ['rollback'] })).toEqual(['R-01', 'R-05', 'R-09']);
      expect(await ids({ createdFrom: '2025-06-01T03:00:00Z', createdBefore: '2025-06-01T06:00:00.000Z' })).toEqual(['R-03', 'R-04', 'R-05']);
      expect(await ids({ targetUpn: 'x@CONTOSO.com' })).toEqual(['R-05']);
      expect(await ids({ targetUpn: 'x@contoso.com', requesterId: OTTO })).toEqual([]);
      expect(await ids({ statuses: [] })).toEqual([]);
      expect(await ids({ kinds: [] })).toEqual([]);
    });

    it('pages through a filtered list', async () => {
      expect(await allPages(store, { order: 'newest-first', limit: 2, requesterId: OTTO })).toEqual([
        ['R-11', 'R-10'],
        ['R-07', 'R-06'],
        ['R-03', 'R-02'],
      ]);
    });

    it('refuses a page size outside 1..1000 and a cursor that is not a time', async () => {
      await expect(store.listPage({ order: 'oldest-first', limit: 0 })).rejects.toThrow(/page size/);
      await expect(store.listPage({ order: 'oldest-first', limit: 1001 })).rejects.toThrow(/page size/);
      await expect(store.listPage({ order: 'oldest-first', limit: 5, after: { createdAt: 'yesterday', id: 'R-01' } })).rejects.toThrow(/cursor/);
    });

    it('treats hostile filter values as data', async () => {
      const q = { order: 'oldest-first' as const, limit: 10 };
      expect((await store.listPage({ ...q, requesterId: "x' OR '1'='1" })).requests).toEqual([]);
      expect((await store.listPage({ ...q, targetUpn: "%' OR 1=1 --" })).requests).toEqual([]);
      expect((await store.listPage({ ...q, statuses: ["pending') OR ('1'='1"] })).requests).toEqual([]);
    });
  });
}

const ANN = aPerson({ aadObjectId: 'bbbbbbbb-0000-4000-8000-00000000000a', name: 'Ann Approver' });
const ABE = aPerson({ aadObjectId: 'bbbbbbbb-0000-4000-8000-00000000000b', name: 'Abe Äpprover' });

/** The tab's store additions: who decided, status order, targets a page at a time, per-state counts, Graph results, weekly executions. */
function tabContract(impl: StorageImplementation): void {
  describe(`RequestStore tab queries contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: RequestStore;
    const all = fixtures();
    beforeAll(async () => {
      storage = await impl.open();
      store = storage.requests;
      for (const r of all) await store.create(r, aRequestEvent({ requestId: r.id }));
      // Decisions arrive by update (as in the app): by Ann, R-04 and R-06 by Abe.
      for (const [id, people] of [
        ['R-02', [ANN]],
        ['R-04', [ANN, ABE]],
        ['R-06', [ABE]],
      ] as const) {
        const current = (await store.get(id))!;
        await store.update({ ...current, version: current.version + 1, decisions: people.map((by) => aDecision({ by })) }, current.version);
      }
    });
    afterAll(() => impl.cleanup());

    it('filters by who decided, by object id (any case) or by name (any case), and pages', async () => {
      const q = { order: 'oldest-first' as const, limit: 1 };
      expect((await allPages(store, { ...q, decidedBy: ANN.aadObjectId.toUpperCase() })).flat()).toEqual(['R-02', 'R-04']);
      expect((await allPages(store, { ...q, decidedBy: 'abe äpprover' })).flat()).toEqual(['R-04', 'R-06']);
      // With the other filters (R-02 halted, R-04 completed, R-06 pending; all three transfers).
      expect((await allPages(store, { ...q, decidedBy: ANN.aadObjectId, statuses: ['completed'] })).flat()).toEqual(['R-04']);
      expect((await allPages(store, { ...q, decidedBy: 'Abe Äpprover', statuses: ['pending', 'halted'], order: 'newest-first' })).flat()).toEqual(['R-06']);
      expect((await store.listPage({ ...q, limit: 10, decidedBy: ANN.aadObjectId, kinds: ['rollback'] })).requests).toEqual([]);
      expect((await store.listPage({ ...q, limit: 10, decidedBy: 'nobody' })).requests).toEqual([]);
      expect((await store.listPage({ ...q, limit: 10, decidedBy: "x' OR '1'='1" })).requests).toEqual([]);
    });

    it('orders by status, newest first within a status, with a cursor that carries the status', async () => {
      const expected = [...all].sort((a, b) => (a.status !== b.status ? (a.status < b.status ? -1 : 1) : a.createdAt < b.createdAt ? 1 : -1)).map((r) => r.id);
      const pages = await allPages(store, { order: 'status', limit: 5 });
      expect(pages.flat()).toEqual(expected);
      const first = await store.listPage({ order: 'status', limit: 5 });
      expect(first.next).toMatchObject({ status: expect.any(String) });
    });

    it('reads a request without its targets, a page of targets, counts per outcome and Graph results per user', async () => {
      const targets = Array.from({ length: 7 }, (_, k) =>
        aTarget({
          preflight: aPreflightResult({ upn: `t${k}@contoso.com`, userId: `user-${k}` }),
          execution: { outcome: k < 3 ? 'done' : k < 5 ? 'failed' : 'pending', finishedAt: k < 5 ? '2025-06-03T10:00:00.000Z' : null },
        }),
      );
      const big = aRequest({ id: 'R-BIG', createdAt: '2025-06-03T09:00:00.000Z', expiresAt: '2025-06-04T09:00:00.000Z', targets });
      await store.create(big, aRequestEvent({ requestId: 'R-BIG' }));
      const result = (k: number) => ({
        upn: `t${k}@contoso.com`,
        userId: `user-${k}`,
        ok: k < 3,
        code: k < 3 ? null : 'GRAPH.UNAVAILABLE',
        graphRequestId: `g-${k}`,
      });
      await store.appendEvents([
        aRequestEvent({
          requestId: 'R-BIG',
          type: 'graph.patch.intent',
          at: '2025-06-03T10:00:00.000Z',
          data: { users: [0, 1, 2, 3].map((k) => ({ userId: `user-${k}` })) },
        }),
        aRequestEvent({ requestId: 'R-BIG', type: 'graph.patch.result', at: '2025-06-03T10:00:01.000Z', data: { results: [0, 1, 2, 3].map(result) } }),
        aRequestEvent({ requestId: 'R-BIG', type: 'graph.patch.result', at: '2025-06-03T10:00:02.000Z', data: { results: [4, 3].map(result) } }),
        aRequestEvent({ requestId: 'R-BIG', type: 'execution.chunk', at: '2025-06-03T10:00:03.000Z', data: { done: 3 } }),
      ]);

      const summary = await store.getSummary('R-BIG');
      expect(summary).toMatchObject({ id: 'R-BIG', targetCount: 7 });
      expect(summary).not.toHaveProperty('targets');
      expect(await store.getSummary('R-NONE')).toBeNull();
      expect((await store.targetPage('R-BIG', 2, 3)).map((t) => t.preflight.upn)).toEqual(['t2@contoso.com', 't3@contoso.com', 't4@contoso.com']);
      expect(await store.targetPage('R-BIG', 7, 3)).toEqual([]);
      expect(await store.targetOutcomes('R-BIG')).toEqual({ done: 3, failed: 2, pending: 2 });
      const writes = await store.graphWriteResults('R-BIG', ['user-3', 'user-4']);
      expect(writes.total).toBe(6);
      expect(writes.results.map((r) => [r.at, r.result.userId])).toEqual([
        ['2025-06-03T10:00:01.000Z', 'user-3'],
        ['2025-06-03T10:00:02.000Z', 'user-4'],
        ['2025-06-03T10:00:02.000Z', 'user-3'],
      ]);
      expect((await store.graphWriteResults('R-BIG', [])).results).toEqual([]);
      expect((await store.events('R-BIG', { excludeTypes: ['graph.patch.intent', 'graph.patch.result'] })).map((e) => e.type)).toEqual([
        'request.created',
        'execution.chunk',
      ]);
      expect(await store.events('R-BIG')).toHaveLength(5);
    });

    it('counts targets changed ("done") per day, kind and target type since a time', async () => {
      const group = aTarget({
        preflight: aPreflightResult({ upn: 'Sales (AD)', userId: 'group-1' }),
        execution: { outcome: 'done', finishedAt: '2025-06-03T11:00:00.000Z' },
      });
      await store.create(
        aRequest({ id: 'R-GROUP', targetType: 'group', createdAt: '2025-06-03T09:30:00.000Z', expiresAt: '2025-06-04T09:30:00.000Z', targets: [group] }),
        aRequestEvent({ requestId: 'R-GROUP' }),
      );
      const since = '2025-06-03T00:00:00.000Z';
      const days = await store.executedByDay(since);
      expect(days.sort((a, b) => a.targetType.localeCompare(b.targetType))).toEqual([
        { day: '2025-06-03', kind: 'transfer', targetType: 'group', count: 1 },
        { day: '2025-06-03', kind: 'transfer', targetType: 'user', count: 3 },
      ]);
      expect(await store.executedByDay('2025-06-04T00:00:00.000Z')).toEqual([]);
    });
  });
}

for (const impl of storageImplementations()) {
  listContract(impl);
  tabContract(impl);
}
