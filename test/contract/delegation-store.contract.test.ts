import { Storage } from '../../src/adapters/storage/database-stores';
import { Delegation, DelegationStore } from '../../src/ports/delegation-store';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

const delegation = (overrides: Partial<Delegation> = {}): Delegation => ({
  id: 'd-1',
  delegator: { aadObjectId: 'adam', name: 'Adam' },
  delegate: { aadObjectId: 'ben', name: 'Ben' },
  startsAt: '2026-12-07T10:00:00.000Z',
  endsAt: '2026-12-09T00:00:00.000Z',
  createdBy: 'adam',
  createdAt: '2026-12-07T10:00:00.000Z',
  endedAt: null,
  endedBy: null,
  ...overrides,
});

function delegationStoreContract(impl: StorageImplementation): void {
  describe(`DelegationStore contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: DelegationStore;
    beforeEach(async () => {
      storage = await impl.open();
      store = storage.delegations;
    });
    afterAll(() => impl.cleanup());

    it('a delegation runs from its start to (not including) its end, oldest first', async () => {
      await store.create(delegation());
      await store.create(
        delegation({ id: 'd-2', delegator: { aadObjectId: 'amy', name: 'Amy' }, createdAt: '2026-12-07T11:00:00.000Z', startsAt: '2026-12-07T11:00:00.000Z' }),
      );
      expect(await store.active('2026-12-07T09:59:59.999Z')).toEqual([]);
      expect((await store.active('2026-12-07T10:30:00.000Z')).map((d) => d.id)).toEqual(['d-1']);
      expect(await store.active('2026-12-08T12:00:00.000Z')).toEqual([delegation(), expect.objectContaining({ id: 'd-2' })]);
      expect(await store.active('2026-12-09T00:00:00.000Z')).toEqual([]);
    });

    it('ending one takes it out of the running ones at once, and only once', async () => {
      await store.create(delegation());
      expect(await store.end('d-1', '2026-12-07T12:00:00.000Z', 'grace')).toBe(true);
      expect(await store.end('d-1', '2026-12-07T13:00:00.000Z', 'adam')).toBe(false);
      expect(await store.end('unknown', '2026-12-07T13:00:00.000Z', 'adam')).toBe(false);
      expect(await store.active('2026-12-07T12:30:00.000Z')).toEqual([]);
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps delegations across a reopen (durability)', async () => {
        await store.create(delegation());
        const again = (await reopen(storage)).delegations;
        expect(await again.active('2026-12-08T00:00:00.000Z')).toEqual([delegation()]);
      });
    }
  });
}

for (const impl of storageImplementations()) delegationStoreContract(impl);
