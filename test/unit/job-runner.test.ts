import { ONCE_KEY_RETENTION_MS } from '../../src/app/job-runner';
import { Directory } from '../../src/ports/directory';
import { Logger } from '../../src/ports/logger';
import { FakeWorld, ORIGIN, PEOPLE, addUsers, eventsOf, fakeDeps, outcomes, patchCounts, restart, settle, storeRequest } from '../support/fake-deps';

/**
 * The job runner with fakes and the virtual clock: tests call runDue() on a runner that is not started
 * (no poll timer), and move the clock to make rescheduled jobs due.
 */
describe('job runner', () => {
  let w: FakeWorld;
  let users: string[];
  beforeEach(() => {
    w = fakeDeps();
    users = addUsers(w, 6);
  });
  const enqueueExecute = () => w.deps.jobs.enqueue({ key: 'execute:R-TEST', kind: 'execute', requestId: 'R-TEST', runAt: w.clock.iso() });
  const request = async () => (await w.deps.requests.get('R-TEST'))!;
  const frozen = (value: boolean) =>
    w.deps.settingsStore.set('executions.frozen', { value: String(value), updatedAt: w.clock.iso(), updatedBy: PEOPLE.admin.aadObjectId });

  it('holds an approved execution while frozen (recorded once, nothing written), then runs it after unfreeze and announces the outcome', async () => {
    await storeRequest(w, users.slice(0, 2));
    await enqueueExecute();
    await frozen(true);
    const runner = w.runner();
    await runner.runDue();
    w.clock.advance(2_000);
    await runner.runDue();
    w.clock.advance(2_000);
    await runner.runDue();
    expect((await request()).status).toBe('approved');
    expect(w.tenant.calls).toHaveLength(0);
    expect(await eventsOf(w, 'execution.held')).toHaveLength(1);
    // Held, not dropped: it is back in the queue for the next look.
    expect(await w.deps.jobs.nextRunAt()).toBe(w.clock.iso(2_000));
    await frozen(false);
    w.clock.advance(2_000);
    await runner.runDue();
    expect((await request()).status).toBe('completed');
    expect(patchCounts(w, users.slice(0, 2))).toEqual({ u001: 1, u002: 1 });
    // The announce job ran in the same pass: the requester hears the outcome once, as one message: the
    // outcome card alone, no text line beside it saying the same.
    const toRequester = w.chat.posts.filter((p) => p.conversationKey === ORIGIN.conversationKey);
    expect(toRequester).toHaveLength(1);
    expect(toRequester[0]).toMatchObject({ card: expect.any(Object) });
    expect(toRequester[0].text).toBeUndefined();
    expect(w.chat.texts(ORIGIN.conversationKey)[0]).toMatch(/^Transfer R.*TEST: completed/);
  });

  it('retries a failing job with growing back-off and never drops it: the outcome is posted once Teams answers again', async () => {
    await storeRequest(w, users.slice(0, 1), { status: 'completed', finishedAt: w.clock.iso() });
    await w.deps.jobs.enqueue({ key: 'announce:R-TEST', kind: 'announce', requestId: 'R-TEST', runAt: w.clock.iso() });
    w.chat.failPosts(3);
    const runner = w.runner();
    const retries: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = w.clock.now().getTime();
      await runner.runDue();
      const next = Date.parse((await w.deps.jobs.nextRunAt())!);
      retries.push(next - before);
      // Not a moment before it is due.
      w.clock.setTo(new Date(next - 1));
      await runner.runDue();
      expect(w.chat.posts).toHaveLength(0);
      w.clock.advance(1);
    }
    expect(retries).toEqual([2_000, 4_000, 8_000]);
    await runner.runDue();
    expect(w.chat.texts(ORIGIN.conversationKey)).toHaveLength(1);
    expect(await eventsOf(w, 'outcome.posted')).toHaveLength(1);
    expect(await w.deps.jobs.nextRunAt()).toBeNull();
  });

  it('an announce that runs before the result is saved (another worker took it) waits for it, then posts the final outcome once', async () => {
    // The execution queues its announce before it saves the result; here the result is not saved yet.
    await storeRequest(w, users.slice(0, 1), { status: 'executing' });
    await w.deps.jobs.enqueue({ key: 'announce:R-TEST', kind: 'announce', requestId: 'R-TEST', runAt: w.clock.iso() });
    const runner = w.runner();
    await runner.runDue();
    expect(w.chat.posts.filter((p) => p.conversationKey === ORIGIN.conversationKey)).toHaveLength(0);
    expect(await eventsOf(w, 'outcome.posted')).toHaveLength(0);
    expect(await w.deps.jobs.nextRunAt()).toBe(w.clock.iso(500));
    // The execution saves its result.
    const executing = await request();
    await w.deps.requests.update({ ...executing, status: 'completed', finishedAt: w.clock.iso(), version: executing.version + 1 }, executing.version);
    w.clock.advance(500);
    await runner.runDue();
    const toRequester = w.chat.posts.filter((p) => p.conversationKey === ORIGIN.conversationKey);
    expect(toRequester).toHaveLength(1);
    expect(w.chat.texts(ORIGIN.conversationKey)[0]).toMatch(/^Transfer R.*TEST: completed/);
    expect(await w.deps.jobs.nextRunAt()).toBeNull();
  });

  it('an expiry job that comes early is put back to the deadline; at the deadline the request expires and the requester is told', async () => {
    const r = await storeRequest(w, users.slice(0, 1), { status: 'pending' });
    await w.deps.jobs.enqueue({ key: 'expire:R-TEST', kind: 'expire', requestId: 'R-TEST', runAt: w.clock.iso() });
    const runner = w.runner();
    await runner.runDue();
    expect((await request()).status).toBe('pending');
    expect(await w.deps.jobs.nextRunAt()).toBe(r.expiresAt);
    w.clock.setTo(r.expiresAt);
    await runner.runDue();
    expect((await request()).status).toBe('expired');
    await settle();
    expect(w.chat.texts(ORIGIN.conversationKey)).toEqual([expect.stringMatching(/^Rita Requester: request R-TEST expired without enough approvals/)]);
    expect(await w.deps.jobs.nextRunAt()).toBeNull();
  });

  it('stop() during a PATCH: the call in flight is finished and recorded, nothing more is written, the lease is released; the next instance finishes with one PATCH per user', async () => {
    await storeRequest(w, users);
    await enqueueExecute();
    // The first four users' PATCHes leave together (single-call directory, four at a time); u001's hangs.
    w.tenant.failNext('patch', 'u001', { kind: 'hang' });
    const runner = w.runner();
    runner.start();
    const held = await w.tenant.nextHeld();
    const stopping = runner.stop();
    held.land();
    const report = await stopping;
    expect(report.interrupted).toMatchObject({ kind: 'execute', requestId: 'R-TEST' });
    expect(report.released).toBe(1);
    expect(await outcomes(w)).toEqual({ u001: 'done', u002: 'done', u003: 'done', u004: 'done', u005: 'pending', u006: 'pending' });
    expect(patchCounts(w, users)).toEqual({ u001: 1, u002: 1, u003: 1, u004: 1, u005: 0, u006: 0 });
    expect((await request()).status).toBe('executing');
    expect(await w.deps.jobs.leaseHolders(w.clock.iso())).toEqual([]);

    // Released, so the successor takes it at once (no lease to wait out).
    const next = restart(w);
    await next.runner().runDue();
    expect((await request()).status).toBe('completed');
    expect(Object.values(patchCounts(w, users))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  describe('with the heartbeat on fake timers', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('a lease taken over by another instance stops the work before its next write; the new holder finishes it', async () => {
      await storeRequest(w, users);
      await enqueueExecute();
      w.tenant.failNext('patch', 'u001', { kind: 'hang' });
      const a = w.runner({ leaseMs: 30_000 });
      const running = a.runDue();
      const held = await w.tenant.nextHeld();
      // A stalls past its lease (in the store's time), and instance B claims the job.
      w.clock.advance(31_000);
      const b = restart(w);
      const taken = await w.deps.jobs.claimDue(w.clock.iso(), 10, 30_000, 'instance-b');
      expect(taken.map((j) => j.kind)).toEqual(['execute']);
      // A's heartbeat finds the job is no longer its own.
      jest.advanceTimersByTime(10_000);
      await settle();
      held.land();
      await running;
      expect(patchCounts(w, users)).toEqual({ u001: 1, u002: 1, u003: 1, u004: 1, u005: 0, u006: 0 });
      expect(await outcomes(w)).toMatchObject({ u001: 'done', u005: 'pending', u006: 'pending' });
      // A did not reset B's job (no reschedule, no completion): B still holds it.
      expect(await w.deps.jobs.leaseHolders(w.clock.iso())).toEqual([{ owner: 'instance-b', jobs: 1 }]);

      await w.deps.jobs.release('instance-b');
      await b.runner({ owner: 'instance-b' }).runDue();
      expect((await request()).status).toBe('completed');
      expect(Object.values(patchCounts(w, users))).toEqual([1, 1, 1, 1, 1, 1]);
    });
  });

  it("gives each job its own request's directory (every Graph call made for that request) and a logger bound to the request id", async () => {
    await storeRequest(w, users.slice(0, 2), { id: 'R-A' });
    await storeRequest(w, users.slice(2, 4), { id: 'R-B' });
    for (const id of ['R-A', 'R-B']) await w.deps.jobs.enqueue({ key: `execute:${id}`, kind: 'execute', requestId: id, runAt: w.clock.iso() });
    const calls: { requestId: string; method: string; objectId: unknown }[] = [];
    const lines: Record<string, unknown>[] = [];
    const recording = (bindings: Record<string, unknown>): Logger => {
      const write = (fields: Record<string, unknown>) => void lines.push({ ...bindings, ...fields });
      return { debug: write, info: write, warn: write, error: write, child: (more) => recording({ ...bindings, ...more }) };
    };
    w.deps.logger = recording({});
    const loggers = new Map<string, Logger>();
    w.deps.directories = {
      forRequest: (requestId, logger) => {
        loggers.set(requestId, logger);
        const directory = new Proxy(w.tenant.directory, {
          get: (target, method: keyof Directory) => {
            const fn = target[method] as (...args: unknown[]) => unknown;
            return (...args: unknown[]) => {
              calls.push({ requestId, method, objectId: args[0] });
              return fn.apply(target, args);
            };
          },
        });
        return { directory, bulk: null };
      },
    };
    await w.runner().runDue();
    expect(await outcomes(w, 'R-A')).toEqual({ u001: 'done', u002: 'done' });
    expect(await outcomes(w, 'R-B')).toEqual({ u003: 'done', u004: 'done' });
    const writes = (requestId: string) =>
      calls
        .filter((c) => c.requestId === requestId && c.method === 'setCloudManaged')
        .map((c) => c.objectId)
        .sort();
    expect(writes('R-A')).toEqual(['u001', 'u002']);
    expect(writes('R-B')).toEqual(['u003', 'u004']);
    // No Graph call of a job went around its request's directory, nor into another request's.
    expect(w.tenant.calls.length).toBe(calls.length);
    expect(calls.filter((c) => c.requestId === 'R-A').every((c) => ['u001', 'u002'].includes(c.objectId as string))).toBe(true);
    // The logger each job got writes its request's id on every line.
    loggers.get('R-A')!.info({ probe: 'A' }, 'probe');
    loggers.get('R-B')!.info({ probe: 'B' }, 'probe');
    expect(lines).toContainEqual(expect.objectContaining({ probe: 'A', requestId: 'R-A' }));
    expect(lines).toContainEqual(expect.objectContaining({ probe: 'B', requestId: 'R-B' }));
  });

  it('prunes duplicate-delivery keys older than the retention (at most hourly), keeping recent ones', async () => {
    const conversations = w.deps.conversations;
    await conversations.claimOnce('old', w.clock.iso(-ONCE_KEY_RETENTION_MS - 60_000));
    await conversations.claimOnce('recent', w.clock.iso(-24 * 3_600_000));
    const runner = w.runner();
    await runner.runDue();
    expect(await conversations.claimOnce('old', w.clock.iso())).toBe(true);
    expect(await conversations.claimOnce('recent', w.clock.iso())).toBe(false);
    // Not again within the hour...
    await conversations.claimOnce('old-2', w.clock.iso(-ONCE_KEY_RETENTION_MS - 60_000));
    w.clock.advance(30 * 60_000);
    await runner.runDue();
    expect(await conversations.claimOnce('old-2', w.clock.iso())).toBe(false);
    // ...but the next hour.
    await conversations.claimOnce('old-3', w.clock.iso(-ONCE_KEY_RETENTION_MS - 60_000));
    w.clock.advance(31 * 60_000);
    await runner.runDue();
    expect(await conversations.claimOnce('old-3', w.clock.iso())).toBe(true);
  });
});
