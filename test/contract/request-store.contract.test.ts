import { RequestAlreadyExistsError, RequestNotFoundError } from '../../src/adapters/storage/errors';
import { Storage } from '../../src/adapters/storage/database-stores';
import { SoaRequest } from '../../src/domain/soa-request';
import { RequestStore, VersionConflictError } from '../../src/ports/request-store';
import { aDecision, aRequestEvent, aTarget, aRequest } from '../support/builders';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

const created = aRequestEvent();
const approved = (request: SoaRequest): SoaRequest => ({
  ...request,
  status: 'approved',
  version: request.version + 1,
  decisions: [aDecision()],
});
const approveEvent = aRequestEvent({ type: 'decision.approve', at: '2025-06-01T10:05:00.000Z', actorId: 'bob', data: { comment: null } });

function requestStoreContract(impl: StorageImplementation): void {
  describe(`RequestStore contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: RequestStore;
    beforeEach(async () => {
      storage = await impl.open();
      store = storage.requests;
    });
    afterAll(() => impl.cleanup());

    it('round-trips a full request and returns null for an unknown id', async () => {
      const request = aRequest({ decisions: [aDecision()], targets: [aTarget(), aTarget({ audit: { status: 'found', auditId: 'a1' } })] });
      await store.create(request, created);
      expect(await store.get(request.id)).toEqual(request);
      expect(await store.get('R-NOPE')).toBeNull();
      expect(await store.events(request.id)).toEqual([{ ...created }]);
    });

    it('copies objects in and out, so callers cannot change stored state', async () => {
      const request = aRequest();
      await store.create(request, created);
      request.justification = 'changed after create';
      const loaded = (await store.get(request.id))!;
      loaded.decisions.push(aDecision());
      (await store.events(request.id))[0].data.extra = 1;
      expect(await store.get(request.id)).toEqual(aRequest());
      expect((await store.events(request.id))[0].data).toEqual(created.data);
    });

    it('refuses to create the same id twice and keeps the first', async () => {
      await store.create(aRequest(), created);
      await expect(store.create(aRequest({ justification: 'second' }), created)).rejects.toBeInstanceOf(RequestAlreadyExistsError);
      expect((await store.get('R-7K3Q'))!.justification).toBe(aRequest().justification);
      expect(await store.events('R-7K3Q')).toHaveLength(1);
    });

    it('updates when the stored version matches and appends the events with it', async () => {
      const request = aRequest();
      await store.create(request, created);
      await store.update(approved(request), 1, [approveEvent]);
      expect(await store.get(request.id)).toEqual(approved(request));
      expect((await store.events(request.id)).map((e) => e.type)).toEqual(['request.created', 'decision.approve']);
    });

    it('writes only the targets an update names as changed; the others keep what is stored', async () => {
      const request = aRequest({ targets: [aTarget({ preflight: { ...aTarget().preflight, upn: 'a@contoso.com' } }), aTarget(), aTarget()] });
      await store.create(request, created);
      const done = { outcome: 'done' as const, finishedAt: '2025-06-01T11:00:00.000Z' };
      const next: SoaRequest = {
        ...request,
        version: 2,
        // Position 1 changed and is named; position 2 changed too but is not named (a caller's bug).
        targets: request.targets.map((t, k) => (k === 0 ? t : { ...t, execution: { ...t.execution, ...done } })),
      };
      await store.update(next, 1, [], { changedTargets: [1] });
      const stored = (await store.get(request.id))!;
      expect(stored.version).toBe(2);
      expect(stored.targets.map((t) => t.execution.outcome)).toEqual([request.targets[0].execution.outcome, 'done', request.targets[2].execution.outcome]);
      expect(stored.targets[0].preflight.upn).toBe('a@contoso.com');
      // Nothing named: only the request itself changes.
      await store.update({ ...stored, version: 3, status: 'completed' }, 2, [], { changedTargets: [] });
      expect(await store.get(request.id)).toEqual({ ...stored, version: 3, status: 'completed' });
      await expect(store.update({ ...stored, version: 4 }, 3, [], { changedTargets: [3] })).rejects.toThrow(
        /changed target 3 is not a position of its 3 targets/,
      );
    });

    it('an update without changedTargets writes the whole target list, shorter or longer', async () => {
      const request = aRequest({ targets: [aTarget(), aTarget(), aTarget()] });
      await store.create(request, created);
      const shorter = { ...request, version: 2, targets: request.targets.slice(0, 1) };
      await store.update(shorter, 1);
      expect(await store.get(request.id)).toEqual(shorter);
      const longer = { ...shorter, version: 3, targets: [...shorter.targets, aTarget({ audit: { status: 'found', auditId: 'a2' } })] };
      await store.update(longer, 2);
      expect(await store.get(request.id)).toEqual(longer);
    });

    it('throws VersionConflictError on a stale version and leaves row and events unchanged', async () => {
      const request = aRequest();
      await store.create(request, created);
      await store.update(approved(request), 1, [approveEvent]);
      const stale = { ...request, status: 'rejected' as const, version: 2 };
      const error = await store.update(stale, 1, [aRequestEvent({ type: 'decision.reject' })]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect(error).toMatchObject({ requestId: request.id, expectedVersion: 1 });
      expect(await store.get(request.id)).toEqual(approved(request));
      expect((await store.events(request.id)).map((e) => e.type)).toEqual(['request.created', 'decision.approve']);
    });

    it('is atomic: when an event cannot be written, the update is rolled back too', async () => {
      const request = aRequest();
      await store.create(request, created);
      const unwritable = aRequestEvent({ type: 'bad', data: { big: BigInt(1) } });
      await expect(store.update(approved(request), 1, [approveEvent, unwritable])).rejects.toThrow();
      expect(await store.get(request.id)).toEqual(request);
      expect(await store.events(request.id)).toHaveLength(1);
      await store.update(approved(request), 1, [approveEvent]);
      expect((await store.get(request.id))!.version).toBe(2);
    });

    it('refuses an update that does not move the version forward, or of an unknown request', async () => {
      const request = aRequest();
      await store.create(request, created);
      await expect(store.update({ ...request, status: 'approved' }, 1)).rejects.toThrow(/must be greater/);
      await expect(store.update(approved(aRequest({ id: 'R-NOPE' })), 1)).rejects.toBeInstanceOf(RequestNotFoundError);
      expect(await store.get(request.id)).toEqual(request);
    });

    it('refuses events that belong to another request', async () => {
      await store.create(aRequest(), created);
      await expect(store.update(approved(aRequest()), 1, [aRequestEvent({ requestId: 'R-OTHER' })])).rejects.toThrow(/belongs to request R-OTHER/);
      expect((await store.get('R-7K3Q'))!.version).toBe(1);
    });

    it('appends events in order, and all or none of a batch', async () => {
      await store.create(aRequest(), created);
      const e = (type: string, at: string) => aRequestEvent({ type, at, actorId: undefined, data: { type } });
      await store.appendEvents([e('card.posted', '2025-06-01T10:01:00.000Z'), e('audit.found', '2025-06-01T09:00:00.000Z')]);
      await store.appendEvents([e('graph.patch', '2025-06-01T10:02:00.000Z')]);
      await store.appendEvents([]);
      await expect(
        store.appendEvents([e('x.ok', '2025-06-01T10:03:00.000Z'), { ...e('x.orphan', '2025-06-01T10:03:00.000Z'), requestId: 'R-NOPE' }]),
      ).rejects.toBeInstanceOf(RequestNotFoundError);
      const events = await store.events('R-7K3Q');
      expect(events.map((x) => x.type)).toEqual(['request.created', 'card.posted', 'audit.found', 'graph.patch']);
      expect(events[1]).toEqual({ requestId: 'R-7K3Q', at: '2025-06-01T10:01:00.000Z', type: 'card.posted', actorId: null, data: { type: 'card.posted' } });
      expect(await store.events('R-NOPE')).toEqual([]);
    });

    it('lists by status, oldest first (then by id), with a limit', async () => {
      const make = (id: string, status: SoaRequest['status'], createdAt: string) => aRequest({ id, status, createdAt });
      await store.create(make('R-C', 'pending', '2025-06-03T00:00:00.000Z'), { ...created, requestId: 'R-C' });
      await store.create(make('R-B', 'approved', '2025-06-01T00:00:00.000Z'), { ...created, requestId: 'R-B' });
      await store.create(make('R-A', 'pending', '2025-06-01T00:00:00.000Z'), { ...created, requestId: 'R-A' });
      await store.create(make('R-D', 'completed', '2025-05-01T00:00:00.000Z'), { ...created, requestId: 'R-D' });
      const ids = async (statuses: string[], limit?: number) => (await store.listByStatus(statuses, limit)).map((r) => r.id);
      expect(await ids(['pending', 'approved'])).toEqual(['R-A', 'R-B', 'R-C']);
      expect(await ids(['pending', 'approved'], 2)).toEqual(['R-A', 'R-B']);
      expect(await ids(['pending'])).toEqual(['R-A', 'R-C']);
      expect(await ids(['expired'])).toEqual([]);
      expect(await ids([])).toEqual([]);
      const c = (await store.get('R-C'))!;
      await store.update({ ...c, status: 'expired', version: 2 }, 1);
      expect(await ids(['pending'])).toEqual(['R-A']);
      expect((await store.listByStatus(['expired']))[0]).toEqual({ ...c, status: 'expired', version: 2 });
    });

    it('orders ids by code unit, as SQLite does, whatever the collation of the database', async () => {
      const ids = ['R-b', 'R-B', 'R_a', 'R-a1', 'R-A', 'r-a', 'R-Ä', 'R a'];
      for (const id of ids) await store.create(aRequest({ id }), { ...created, requestId: id });
      const expected = [...ids].sort(); // UTF-16 code units: the byte order of UTF-8 for these
      expect((await store.listByStatus(['pending'])).map((r) => r.id)).toEqual(expected);
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps requests and events after close and reopen (durability)', async () => {
        const request = aRequest();
        await store.create(request, created);
        await store.update(approved(request), 1, [approveEvent]);
        const again = await reopen(storage);
        expect(await again.requests.get(request.id)).toEqual(approved(request));
        expect((await again.requests.events(request.id)).map((e) => e.type)).toEqual(['request.created', 'decision.approve']);
        await expect(again.requests.update(approved(request), 1)).rejects.toBeInstanceOf(VersionConflictError);
      });
    }
  });
}

for (const impl of storageImplementations()) requestStoreContract(impl);
