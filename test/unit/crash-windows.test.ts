import { JobRunner } from '../../src/app/job-runner';
import { BulkPlan } from '../../src/domain/soa-request';
import { FakeWorld, ORIGIN, addUsers, eventsOf, fakeDeps, outcomes, patchCounts, restart, settle, storeRequest } from '../support/fake-deps';

/**
 * Crash windows without killing processes. A "process" is a FakeWorld and its job runner; a crash is
 * that process never hearing from a call the fake tenant holds (its promise is abandoned, as the dead
 * process's would be), and the restart is a new FakeWorld over the same stores, tenant, chat and clock.
 * The dead process's leases are ended as the real start-up does for a predecessor known to be gone.
 */
describe('crash windows', () => {
  let w: FakeWorld;
  let users: string[];
  const dead: JobRunner[] = [];
  beforeEach(() => {
    w = fakeDeps();
    users = addUsers(w, 45);
  });
  // The abandoned runners' heartbeats end with them (their work never resumes: its calls are never answered).
  afterEach(async () => {
    for (const r of dead.splice(0)) await r.stop({ graceMs: 0 });
  });

  const request = async () => (await w.deps.requests.get('R-TEST'))!;
  const enqueueExecute = () => w.deps.jobs.enqueue({ key: 'execute:R-TEST', kind: 'execute', requestId: 'R-TEST', runAt: w.clock.iso() });

  /** Starts the first process's runner on the due jobs and returns once the tenant holds one of its calls. */
  async function crashWhileHeld(): Promise<{ runner: JobRunner; held: Awaited<ReturnType<typeof w.tenant.nextHeld>> }> {
    const runner = w.runner();
    dead.push(runner);
    void runner.runDue();
    return { runner, held: await w.tenant.nextHeld() };
  }

  /** The restarted process: ends the dead one's leases (it is gone) and returns its runner. */
  async function restarted(deadRunner: JobRunner): Promise<JobRunner> {
    const next = restart(w);
    const runner = next.runner();
    await runner.reclaimOrphans((owner) => owner === deadRunner.owner);
    return runner;
  }

  describe('killed after the intent was stored, before the PATCH was answered', () => {
    it('the PATCH lands after the restart: the resumed run waits for it to settle, re-reads, and never patches twice', async () => {
      const two = users.slice(0, 2);
      await storeRequest(w, two);
      await enqueueExecute();
      w.tenant.failNext('patch', 'u001', { kind: 'hang' });
      const { runner: first, held } = await crashWhileHeld();
      const intent = await eventsOf(w, 'graph.patch.intent');
      expect(intent).toHaveLength(1);
      const attemptedAt = Date.parse(intent[0].at);

      const second = await restarted(first);
      // For 20 s after the restart the PATCH is still in flight: every look leaves u001 alone.
      for (let t = 0; t < 10; t++) {
        w.clock.advance(2_000);
        await second.runDue();
      }
      expect(w.tenant.patches('u001')).toHaveLength(1);
      expect((await request()).status).toBe('executing');
      // u002's PATCH landed before the crash: the re-read settles it as done, not patched again.
      expect(await outcomes(w)).toEqual({ u001: 'in-progress', u002: 'done' });

      held.landUnheard();
      w.clock.advance(2_000);
      await second.runDue();
      expect((await request()).status).toBe('completed');
      expect(await outcomes(w)).toEqual({ u001: 'done', u002: 'done' });
      expect(patchCounts(w, two)).toEqual({ u001: 1, u002: 1 });
      expect(w.clock.now().getTime() - attemptedAt).toBeLessThan(w.deps.settings.patchSettleMs);
    });

    it('the PATCH never reached Graph: the resumed run writes it once, only when it can no longer land', async () => {
      await storeRequest(w, ['u001']);
      await enqueueExecute();
      w.tenant.failNext('patch', 'u001', { kind: 'hang' });
      const { runner: first, held } = await crashWhileHeld();
      const attemptedAt = Date.parse((await eventsOf(w, 'graph.patch.intent'))[0].at);
      held.vanish();

      const second = await restarted(first);
      let firstPatchAt: number | null = null;
      for (let t = 0; t < 30 && (await request()).status !== 'completed'; t++) {
        w.clock.advance(2_000);
        await second.runDue();
        if (firstPatchAt === null && w.tenant.patches('u001').length > 0) firstPatchAt = w.clock.now().getTime();
      }
      expect((await request()).status).toBe('completed');
      expect(patchCounts(w, ['u001'])).toEqual({ u001: 1 });
      expect(firstPatchAt! - attemptedAt).toBeGreaterThanOrEqual(w.deps.settings.patchSettleMs);
      // Not much later than needed either: at the next look after the settle time.
      expect(firstPatchAt! - attemptedAt).toBeLessThanOrEqual(w.deps.settings.patchSettleMs + 2_000);
    });
  });

  it('killed after the PATCH landed, before the read-back: the restart reads the user, records done at once, and announces', async () => {
    await storeRequest(w, ['u001']);
    await enqueueExecute();
    // The first flag read is the re-read; the second, after the PATCH, is the read-back that never answers.
    w.tenant.failNext('getCloudManaged', 'u001', { kind: 'hang' }, { skip: 1 });
    const { runner: first, held } = await crashWhileHeld();
    expect(held.op).toBe('getCloudManaged');
    expect(w.tenant.isCloudManaged('u001')).toBe(true);
    expect(await outcomes(w)).toEqual({ u001: 'in-progress' });

    const second = await restarted(first);
    await second.runDue();
    const r = await request();
    expect(r.status).toBe('completed');
    // "done", not "already done": the record shows the bot made the change.
    expect(r.targets[0].execution.outcome).toBe('done');
    expect(patchCounts(w, ['u001'])).toEqual({ u001: 1 });
    expect(w.chat.texts(ORIGIN.conversationKey)).toHaveLength(1);
    // The audit search follows, as for any change the bot made.
    expect((await w.deps.jobs.claimDue(w.clock.iso(3_600_000), 10, 1_000, 'probe')).map((j) => j.kind)).toEqual(['audit-lookup']);
  });

  describe('a bulk request', () => {
    const plan = (waves: number[]): BulkPlan => ({ waves, nextWave: 0, haltFailureRate: 0.05, haltedReason: null, fingerprint: 'fp-1', source: 'pasted list' });

    it('killed between waves: the restart starts at the next wave and no user of a finished wave is read or patched again', async () => {
      await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
      await enqueueExecute();
      // Wave 2 starts by reading its users: the process dies on that read.
      w.tenant.failNext('getUser', 'u006', { kind: 'hang' });
      const { runner: first, held } = await crashWhileHeld();
      held.vanish();
      expect((await request()).bulk!.nextWave).toBe(1);
      expect(w.tenant.patches()).toHaveLength(5);
      const callsBefore = w.tenant.calls.length;

      const second = await restarted(first);
      await second.runDue();
      expect((await request()).status).toBe('completed');
      expect(Object.values(patchCounts(w, users)).every((n) => n === 1)).toBe(true);
      const wave1 = users.slice(0, 5);
      expect(w.tenant.calls.slice(callsBefore).some((c) => wave1.includes(c.userId))).toBe(false);
      expect((await eventsOf(w, 'wave.finished')).map((e) => e.data.wave)).toEqual([1, 2, 3]);
    });

    it('killed with a PATCH batch in flight whose answers were lost: the restart reads the batch back, records it done and patches nobody twice', async () => {
      await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
      await enqueueExecute();
      w.tenant.failNext('patch', 'u010', { kind: 'hang' });
      const { runner: first, held } = await crashWhileHeld();
      held.landUnheard();
      const wave2 = users.slice(5, 15);
      expect(
        Object.entries(await outcomes(w))
          .filter(([id]) => wave2.includes(id))
          .every(([, o]) => o === 'in-progress'),
      ).toBe(true);

      // Within the settle window: the re-read shows every PATCH of the batch landed, so nothing waits.
      const second = await restarted(first);
      await second.runDue();
      expect((await request()).status).toBe('completed');
      expect(Object.values(patchCounts(w, users)).every((n) => n === 1)).toBe(true);
      expect(Object.values(await outcomes(w)).every((o) => o === 'done')).toBe(true);
    });
  });

  it('killed while a throttled user waits out its Retry-After: it was not in flight, so the restart writes it at once', async () => {
    const plan: BulkPlan = { waves: [45], nextWave: 0, haltFailureRate: 0.05, haltedReason: null, fingerprint: 'fp-1', source: 'pasted list' };
    await storeRequest(w, users, { bulk: plan });
    await enqueueExecute();
    w.tenant.failNext('patch', 'u002', { kind: 'throttled' });
    w.tenant.failNext('retry-wait', '*', { kind: 'hang' });
    const { runner: first, held } = await crashWhileHeld();
    expect(held.op).toBe('retry-wait');
    held.vanish();
    // The 429 was recorded as "not applied" before the process died.
    await settle();
    expect((await outcomes(w)).u002).toBe('pending');

    // Same instant as the crash: no settle time to wait out for u002, and the others are read back as landed.
    const second = await restarted(first);
    await second.runDue();
    expect((await request()).status).toBe('completed');
    expect(w.tenant.appliedPatches().length).toBe(45);
    expect(Object.values(patchCounts(w, users)).filter((n) => n !== 1)).toEqual([2]);
    expect(w.tenant.appliedPatches('u002')).toHaveLength(1);
  });

  describe('the audit search', () => {
    async function executedWithAuditDue(): Promise<void> {
      await storeRequest(w, ['u001', 'u002']);
      await enqueueExecute();
      w.deps.settings.auditLookupTimeoutMs = 10 * 60_000;
      const runner = w.runner();
      await runner.runDue();
      expect((await request()).status).toBe('completed');
      w.chat.posts.length = 0;
      // First look at +30 s: nothing yet (records take minutes); next look in 60 s.
      w.clock.advance(30_000);
      await runner.runDue();
      expect(w.chat.posts).toHaveLength(0);
    }

    it('killed mid-search: the restart resumes it and posts the records once they appear', async () => {
      w.tenant.auditDelayMs = 4 * 60_000;
      await executedWithAuditDue();
      w.clock.advance(60_000);
      w.tenant.failNext('audit', 'u001', { kind: 'hang' });
      const { runner: first, held } = await crashWhileHeld();
      held.vanish();

      const second = await restarted(first);
      w.clock.advance(4 * 60_000);
      for (let t = 0; t < 10 && w.chat.posts.length === 0; t++) {
        await second.runDue();
        w.clock.advance(30_000);
      }
      const r = await request();
      expect(r.targets.map((t) => t.audit.status)).toEqual(['found', 'found']);
      expect(w.chat.texts(ORIGIN.conversationKey)).toHaveLength(1);
      expect(w.chat.texts(ORIGIN.conversationKey)[0]).toMatch(/^Audit records for R-TEST/);
      expect(w.chat.texts(ORIGIN.conversationKey)[0]).toContain('"Change Source of Authority');
      expect(await eventsOf(w, 'audit.found')).toHaveLength(1);
    });

    it('the resumed search keeps its window: its time-out counts from the first search, not from the restart', async () => {
      w.tenant.auditDelayMs = 24 * 3_600_000; // never appears in time
      await executedWithAuditDue();
      w.clock.advance(60_000);
      w.tenant.failNext('audit', 'u001', { kind: 'hang' });
      const { runner: first, held } = await crashWhileHeld();
      held.vanish();

      // Down for 9 minutes: the search began 10.5 minutes ago, past the 10-minute window.
      w.clock.advance(9 * 60_000);
      const second = await restarted(first);
      await second.runDue();
      const r = await request();
      expect(r.targets.map((t) => t.audit.status)).toEqual(['missing', 'missing']);
      expect(await eventsOf(w, 'audit.missing')).toHaveLength(1);
      expect(w.chat.texts(ORIGIN.conversationKey)[0]).toContain('no audit record yet');
    });
  });
});
