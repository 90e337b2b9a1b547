import { executeRequest } from '../../src/app/execute-request';
import { executeWaves } from '../../src/app/bulk/execute-waves';
import { RequestStore } from '../../src/ports/request-store';
import { BulkPlan } from '../../src/domain/soa-request';
import { FakeWorld, ORIGIN, PEOPLE, addUsers, eventsOf, fakeDeps, outcomes, patchCounts, settle, storeRequest } from '../support/fake-deps';
import { waitUntil } from '../support/wait-until';

/**
 * A bulk request (a migration wave) through the same execution step, batched through the fake Graph
 * batching directory, wave by wave: what the approvers see is the status, the halt message and who
 * was (and was not) patched.
 */
describe('executing a bulk request in waves', () => {
  let w: FakeWorld;
  let users: string[];
  const plan = (waves: number[]): BulkPlan => ({ waves, nextWave: 0, haltFailureRate: 0.05, haltedReason: null, fingerprint: 'fp-1', source: 'pasted list' });
  beforeEach(() => {
    w = fakeDeps();
    users = addUsers(w, 45);
  });
  const run = () => executeRequest(w.deps, 'R-TEST');
  const request = async () => (await w.deps.requests.get('R-TEST'))!;
  const wave = (n: number) => (n === 1 ? users.slice(0, 5) : n === 2 ? users.slice(5, 15) : users.slice(15));
  const frozen = (value: boolean) =>
    w.deps.settingsStore.set('executions.frozen', { value: String(value), updatedAt: w.clock.iso(), updatedBy: PEOPLE.admin.aadObjectId });

  it('runs every wave in order, each user patched once, a wave event per wave, batches of 20 with their own intent', async () => {
    await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
    expect(await run()).toEqual({ status: 'done' });
    const r = await request();
    expect(r.status).toBe('completed');
    expect(r.bulk!.nextWave).toBe(3);
    expect(Object.values(patchCounts(w, users)).every((n) => n === 1)).toBe(true);
    expect((await eventsOf(w, 'wave.finished')).map((e) => e.data)).toEqual([
      { wave: 1, size: 5, failed: 0 },
      { wave: 2, size: 10, failed: 0 },
      { wave: 3, size: 30, failed: 0 },
    ]);
    // Wave 3's 30 users leave in two Graph batches (20 + 10), each with its intent stored first.
    expect((await eventsOf(w, 'graph.patch.intent')).map((e) => (e.data.users as unknown[]).length)).toEqual([5, 10, 20, 10]);
    // Wave 1 was written before anyone of wave 2 was read.
    const firstWave2Read = w.tenant.calls.findIndex((c) => c.userId === wave(2)[0]);
    const lastWave1Patch = w.tenant.calls.map((c, i) => (c.op === 'patch' && wave(1).includes(c.userId) ? i : -1)).reduce((a, b) => Math.max(a, b));
    expect(lastWave1Patch).toBeLessThan(firstWave2Read);
  });

  it('halts after a wave whose failure rate is above the limit: the rest are not touched and the approvers are told why', async () => {
    await w.deps.notifications.subscribe({
      channelId: '19:soa-log',
      conversationKey: 'channel:19:soa-log',
      subscribedBy: PEOPLE.admin.aadObjectId,
      subscribedAt: w.clock.iso(),
      source: 'command',
    });
    await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
    for (const id of wave(2).slice(0, 2)) w.tenant.failNext('patch', id, { kind: 'error', code: 'GRAPH.BAD_REQUEST', status: 400 });
    expect(await run()).toEqual({ status: 'done' });
    const r = await request();
    expect(r.status).toBe('halted');
    expect(r.bulk).toMatchObject({ nextWave: 2 });
    expect(r.bulk!.haltedReason).toBe(
      'Halted after wave 2 of 3: 2 of 10 users failed (20%), above the 5% limit. Check the failures, then Resume or Cancel the rest.',
    );
    expect(wave(3).every((id) => w.tenant.calls.every((c) => c.userId !== id))).toBe(true);
    expect((await eventsOf(w, 'wave.halted')).map((e) => e.data)).toEqual([{ wave: 2, size: 10, failed: 2 }]);
    expect(w.chat.texts(ORIGIN.conversationKey)).toEqual([`R-TEST: ${r.bulk!.haltedReason}`]);
    await settle();
    const outbox = await w.deps.notifications.claimDue(w.clock.iso(), 10, 1_000);
    expect(outbox.map((n) => n.event)).toEqual(['halted']);
    // Halted is not finished: no outcome announcement yet.
    const jobs = await w.storage.jobs.claimDue(w.clock.iso(), 10, 1_000, 'probe');
    expect(jobs.filter((j) => j.kind === 'announce')).toHaveLength(0);
  });

  it('failures in the last wave do not halt (there is nothing left to protect): the request completes with failures', async () => {
    await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
    for (const id of wave(3).slice(0, 10)) w.tenant.failNext('patch', id, { kind: 'error', code: 'GRAPH.BAD_REQUEST', status: 400 });
    await run();
    const r = await request();
    expect(r.status).toBe('completed-with-failures');
    expect(Object.values(await outcomes(w)).filter((o) => o === 'failed')).toHaveLength(10);
  });

  it('a user answered 429 is sent again after the wait, with a new intent, and ends done with one applied PATCH', async () => {
    await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
    w.tenant.failNext('patch', 'u002', { kind: 'throttled' }, { times: 2 });
    await run();
    expect((await request()).status).toBe('completed');
    expect((await outcomes(w)).u002).toBe('done');
    expect(w.tenant.patches('u002').map((c) => c.refused ?? 'applied')).toEqual([429, 429, 'applied']);
    expect(w.tenant.appliedPatches()).toHaveLength(45);
    const intents = (await eventsOf(w, 'graph.patch.intent')).map((e) => (e.data.users as { userId: string }[]).map((u) => u.userId));
    expect(intents.slice(0, 3)).toEqual([users.slice(0, 5), ['u002'], ['u002']]);
  });

  it('a freeze during a wave lets that wave finish, holds the next one, and an unfreeze carries on without patching anyone twice', async () => {
    await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
    w.tenant.failNext('patch', wave(1)[0], { kind: 'hang' });
    const running = run();
    const held = await w.tenant.nextHeld();
    await frozen(true);
    held.land();
    expect(await running).toEqual({ status: 'held', retryAt: null });
    let r = await request();
    expect(r.status).toBe('executing');
    expect(r.bulk!.nextWave).toBe(1);
    expect(
      w.tenant
        .patches()
        .map((c) => c.userId)
        .sort(),
    ).toEqual(wave(1));
    // Still frozen: nothing moves.
    expect(await run()).toMatchObject({ status: 'held' });
    expect(w.tenant.patches()).toHaveLength(5);
    await frozen(false);
    expect(await run()).toEqual({ status: 'done' });
    r = await request();
    expect(r.status).toBe('completed');
    expect(Object.values(patchCounts(w, users)).every((n) => n === 1)).toBe(true);
  });

  it('a user who became protected since approval is skipped; the rest of the waves go on (not a halt: 1 of 30)', async () => {
    w = fakeDeps({ settings: { protectedGroupIds: ['g-admins'] } });
    users = addUsers(w, 45);
    w.tenant.addToGroup(users[20], 'g-admins');
    await storeRequest(w, users, { bulk: plan([5, 10, 30]) });
    await run();
    const r = await request();
    expect(r.status).toBe('completed-with-failures');
    expect(r.targets[20].execution).toMatchObject({ outcome: 'failed', errorCode: 'SCOPE.PROTECTED' });
    expect(patchCounts(w, [users[20]])).toEqual({ [users[20]]: 0 });
    expect(w.tenant.patches()).toHaveLength(44);
  });

  it('reports made while a save is being written wait for it, are then saved together in the order reported, and no PATCH leaves before its intent is stored', async () => {
    // 1,200 users: three chunks of the one wave in flight at once (500, 500, 200). The first two are
    // slowed down at their reads, so the third reports first.
    users = addUsers(w, 1_200, 'm');
    await storeRequest(w, users, { bulk: plan([1_200]) });
    const [chunk1, chunk2, chunk3] = [users.slice(0, 500), users.slice(500, 1_000), users.slice(1_000)];
    w.tenant.failNext('getUser', chunk1[0], { kind: 'hang' });
    w.tenant.failNext('getUser', chunk2[0], { kind: 'hang' });
    const saves: { intents: string[][] }[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const store = w.deps.requests;
    const requests: RequestStore = Object.create(store);
    requests.update = async (next, expectedVersion, events = [], options = {}) => {
      const intents = events.filter((e) => e.type === 'graph.patch.intent').map((e) => (e.data.users as { userId: string }[]).map((u) => u.userId));
      saves.push({ intents });
      // The first save is slow (a busy database): what is reported meanwhile must wait for it.
      if (saves.length === 1) await released;
      return store.update(next, expectedVersion, events, options);
    };
    const running = executeWaves({ ...w.deps, requests }, w.deps.bulk!, await request());
    const held = [await w.tenant.nextHeld(), await w.tenant.nextHeld()];
    const readOf = (id: string) => held.find((h) => h.userId === id)!;
    await waitUntil(() => saves.length === 1, 'the third chunk to store its first intent');
    expect(saves[0].intents).toEqual([chunk3.slice(0, 20)]);
    // The second chunk, then the first, finish reading and report their first intents while it is written.
    readOf(chunk2[0]).land();
    await settle();
    readOf(chunk1[0]).land();
    await settle();
    expect(saves).toHaveLength(1);
    expect(w.tenant.patches()).toHaveLength(0);
    release();
    expect((await running).outcome).toBe('finished');

    // The next save carries both intents, in the order they were reported.
    expect(saves[1].intents).toEqual([chunk2.slice(0, 20), chunk1.slice(0, 20)]);
    const intents = saves.flatMap((s) => s.intents);
    expect(saves.length).toBeLessThan(intents.length);
    // Nothing reported was lost or written twice: every user has one intent, one applied PATCH, and is done.
    expect(intents.flat().sort()).toEqual([...users].sort());
    expect(Object.values(patchCounts(w, users)).every((n) => n === 1)).toBe(true);
    expect(Object.values(await outcomes(w)).every((o) => o === 'done')).toBe(true);
    const stored = (await eventsOf(w, 'graph.patch.intent')).map((e) => (e.data.users as { userId: string }[]).map((u) => u.userId));
    expect(stored).toEqual(intents);
  });
});
