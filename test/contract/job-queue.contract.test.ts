import { Storage } from '../../src/adapters/storage/database-stores';
import { JobQueue } from '../../src/ports/job-queue';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

const T0 = '2025-06-01T10:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const MIN = 60_000;
const job = (key: string, runAt = T0, state: Record<string, unknown> = {}) => ({ key, kind: 'execute' as const, requestId: `R-${key}`, runAt, state });

function jobQueueContract(impl: StorageImplementation): void {
  describe(`JobQueue contract: ${impl.name}`, () => {
    let storage: Storage;
    let jobs: JobQueue;
    beforeEach(async () => {
      storage = await impl.open();
      jobs = storage.jobs;
    });
    afterAll(() => impl.cleanup());

    it('de-duplicates by key: the second enqueue is a no-op', async () => {
      expect(await jobs.enqueue(job('a', T0, { n: 1 }))).toBe(true);
      expect(await jobs.enqueue({ ...job('a', at(-MIN), { n: 2 }), kind: 'expire' })).toBe(false);
      const claimed = await jobs.claimDue(at(MIN), 10, MIN);
      expect(claimed).toEqual([{ id: expect.any(String), kind: 'execute', requestId: 'R-a', runAt: T0, attempts: 1, state: { n: 1 } }]);
    });

    it('keeps de-duplicating after the job completed, and never hands out a completed job', async () => {
      await jobs.enqueue(job('a'));
      const [claimed] = await jobs.claimDue(T0, 10, MIN);
      await jobs.complete(claimed.id);
      await jobs.complete(claimed.id);
      expect(await jobs.enqueue(job('a', at(5 * MIN)))).toBe(false);
      expect(await jobs.claimDue(at(60 * MIN), 10, MIN)).toEqual([]);
      expect(await jobs.nextRunAt()).toBeNull();
    });

    it('claims only due jobs, earliest first, up to the limit', async () => {
      await jobs.enqueue(job('late', at(60 * MIN)));
      await jobs.enqueue(job('second', at(MIN), { step: 2 }));
      await jobs.enqueue(job('first', T0, { step: 1 }));
      await jobs.enqueue(job('third', at(MIN + 1)));
      expect(await jobs.claimDue(at(-1), 10, MIN)).toEqual([]);
      const firstTwo = await jobs.claimDue(at(MIN), 2, MIN);
      expect(firstTwo.map((j) => [j.requestId, j.runAt, j.attempts, j.state])).toEqual([
        ['R-first', T0, 1, { step: 1 }],
        ['R-second', at(MIN), 1, { step: 2 }],
      ]);
      expect((await jobs.claimDue(at(MIN + 1), 10, MIN)).map((j) => j.requestId)).toEqual(['R-third']);
      expect(await jobs.claimDue(at(MIN), 0, MIN)).toEqual([]);
    });

    it('does not hand out a claimed job again until its lease ends', async () => {
      await jobs.enqueue(job('a'));
      const [first] = await jobs.claimDue(T0, 10, 5 * MIN);
      expect(await jobs.claimDue(at(MIN), 10, 5 * MIN)).toEqual([]);
      expect(await jobs.claimDue(at(5 * MIN - 1), 10, 5 * MIN)).toEqual([]);
      const [again] = await jobs.claimDue(at(5 * MIN), 10, 5 * MIN);
      expect(again).toEqual({ ...first, attempts: 2 });
    });

    it('reschedule sets the time and state and clears the lease', async () => {
      await jobs.enqueue(job('poll', T0, { startedAt: T0 }));
      const [claimed] = await jobs.claimDue(T0, 10, 60 * MIN);
      await jobs.reschedule(claimed.id, at(2 * MIN), { startedAt: T0, polls: 1 });
      expect(await jobs.claimDue(at(MIN), 10, MIN)).toEqual([]);
      const [again] = await jobs.claimDue(at(2 * MIN), 10, MIN);
      expect(again).toEqual({ ...claimed, runAt: at(2 * MIN), attempts: 2, state: { startedAt: T0, polls: 1 } });
      await jobs.complete(again.id);
      await jobs.reschedule(again.id, at(3 * MIN), {});
      expect(await jobs.claimDue(at(10 * MIN), 10, MIN)).toEqual([]);
    });

    it('reports the next time a job can run, counting leases and ignoring completed jobs', async () => {
      expect(await jobs.nextRunAt()).toBeNull();
      await jobs.enqueue(job('b', at(30 * MIN)));
      await jobs.enqueue(job('a', at(10 * MIN)));
      expect(await jobs.nextRunAt()).toBe(at(10 * MIN));
      const [a] = await jobs.claimDue(at(10 * MIN), 1, 60 * MIN);
      expect(await jobs.nextRunAt()).toBe(at(30 * MIN));
      const [b] = await jobs.claimDue(at(30 * MIN), 1, MIN);
      expect(await jobs.nextRunAt()).toBe(at(31 * MIN));
      await jobs.complete(b.id);
      expect(await jobs.nextRunAt()).toBe(at(70 * MIN));
      await jobs.complete(a.id);
      expect(await jobs.nextRunAt()).toBeNull();
    });

    it('normalizes timestamps to toISOString form and rejects invalid ones', async () => {
      await jobs.enqueue(job('a', '2025-06-01T12:00:00+02:00'));
      expect(await jobs.nextRunAt()).toBe(T0);
      expect((await jobs.claimDue('2025-06-01T10:00:00Z', 1, MIN))[0].runAt).toBe(T0);
      await expect(jobs.enqueue(job('b', 'tomorrow'))).rejects.toThrow(/runAt is not a valid ISO-8601 timestamp/);
      await expect(jobs.claimDue('nope', 1, MIN)).rejects.toThrow(/now is not a valid/);
    });

    it('copies state in and out', async () => {
      const state = { nested: { n: 1 } };
      await jobs.enqueue(job('a', T0, state));
      state.nested.n = 2;
      const [claimed] = await jobs.claimDue(T0, 1, 0);
      expect(claimed.state).toEqual({ nested: { n: 1 } });
      (claimed.state.nested as { n: number }).n = 3;
      expect((await jobs.claimDue(T0, 1, 0))[0].state).toEqual({ nested: { n: 1 } });
    });

    describe('leases that follow the worker', () => {
      const A = 'host-a|11|aaaa';
      const B = 'host-b|22|bbbb';

      it('a renewed lease is not handed out; once renewals stop, it lapses and anyone takes it over', async () => {
        await jobs.enqueue(job('a'));
        const [claimed] = await jobs.claimDue(T0, 10, 30_000, A);
        expect(await jobs.renew([claimed.id], A, at(20_000), 30_000)).toEqual([claimed.id]);
        expect(await jobs.claimDue(at(40_000), 10, 30_000, B)).toEqual([]); // the old lease would have ended at 30 s
        expect(await jobs.nextRunAt()).toBe(at(50_000));
        const [taken] = await jobs.claimDue(at(50_000), 10, 30_000, B);
        expect(taken).toMatchObject({ id: claimed.id, attempts: 2 });
        // The first owner has lost it: its renewal fails and its reschedule leaves B's lease alone.
        expect(await jobs.renew([claimed.id], A, at(51_000), 30_000)).toEqual([]);
        await jobs.reschedule(claimed.id, at(51_000), { stale: true }, A);
        expect(await jobs.claimDue(at(60_000), 10, 30_000, A)).toEqual([]);
        expect(await jobs.renew([claimed.id], B, at(60_000), 30_000)).toEqual([claimed.id]);
        await jobs.reschedule(claimed.id, at(70_000), { next: 1 }, B);
        expect(await jobs.claimDue(at(70_000), 10, 30_000, A)).toEqual([expect.objectContaining({ id: claimed.id, state: { next: 1 } })]);
      });

      it("a lapsed lease nobody took is still its owner's to renew; completed and released jobs are not", async () => {
        await jobs.enqueue(job('a'));
        await jobs.enqueue(job('b'));
        const claimed = await jobs.claimDue(T0, 10, 30_000, A);
        expect(
          await jobs.renew(
            claimed.map((j) => j.id),
            A,
            at(45_000),
            30_000,
          ),
        ).toEqual(claimed.map((j) => j.id));
        await jobs.complete(claimed[0].id);
        expect(await jobs.release(A, [claimed[1].id])).toBe(1);
        expect(
          await jobs.renew(
            claimed.map((j) => j.id),
            A,
            at(46_000),
            30_000,
          ),
        ).toEqual([]);
        expect(await jobs.renew(['no-such-job'], A, at(46_000), 30_000)).toEqual([]);
      });

      it('release gives the jobs back at once, keeping their time and state; other owners are untouched', async () => {
        await jobs.enqueue(job('a', at(-2_000), { s: 1 }));
        await jobs.enqueue(job('b', at(-1_000)));
        await jobs.enqueue(job('c'));
        const mine = await jobs.claimDue(T0, 2, 30_000, A);
        const [theirs] = await jobs.claimDue(T0, 1, 30_000, B);
        expect(await jobs.leaseHolders(at(1_000))).toEqual([
          { owner: A, jobs: 2 },
          { owner: B, jobs: 1 },
        ]);
        expect(await jobs.release(A)).toBe(2);
        expect(await jobs.leaseHolders(at(1_000))).toEqual([{ owner: B, jobs: 1 }]);
        const again = await jobs.claimDue(at(1_000), 10, 30_000, B);
        expect(again.map((j) => j.id).sort()).toEqual(mine.map((j) => j.id).sort());
        expect(mine.map((j) => j.requestId)).toEqual(['R-a', 'R-b']);
        expect(again.find((j) => j.requestId === 'R-a')).toMatchObject({ runAt: at(-2_000), state: { s: 1 }, attempts: 2 });
        expect(again.map((j) => j.id)).not.toContain(theirs.id);
        expect(await jobs.release(A)).toBe(0);
        // Lapsed leases are not held by anyone.
        expect(await jobs.leaseHolders(at(31_000))).toEqual([]);
      });
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps jobs, leases and completed keys after close and reopen (durability)', async () => {
        await jobs.enqueue(job('leased', T0, { s: 'x' }));
        await jobs.enqueue(job('done'));
        await jobs.enqueue(job('waiting', at(10 * MIN)));
        const claimed = await jobs.claimDue(T0, 10, 5 * MIN);
        await jobs.complete(claimed.find((j) => j.requestId === 'R-done')!.id);
        const again = (await reopen(storage)).jobs;
        expect(await again.enqueue(job('done'))).toBe(false);
        expect(await again.claimDue(at(MIN), 10, MIN)).toEqual([]);
        const later = await again.claimDue(at(10 * MIN), 10, MIN);
        expect(later.map((j) => [j.requestId, j.attempts, j.state])).toEqual([
          ['R-leased', 2, { s: 'x' }],
          ['R-waiting', 1, {}],
        ]);
      });
    }
  });
}

for (const impl of storageImplementations()) jobQueueContract(impl);
