import { executeRequest } from '../../src/app/execute-request';
import { FakeWorld, addUsers, eventTypes, eventsOf, fakeDeps, outcomes, patchCounts, storeRequest } from '../support/fake-deps';

/**
 * One approved request (not bulk) through the one execution step: re-read, target policy, intent,
 * PATCH, read-back. What the admin would check afterwards: the status, who was patched how many
 * times, and the events kept as evidence.
 */
describe('executing an approved request', () => {
  let w: FakeWorld;
  let users: string[];
  beforeEach(() => {
    w = fakeDeps();
    users = addUsers(w, 3);
  });

  const run = () => executeRequest(w.deps, 'R-TEST');
  const request = async () => (await w.deps.requests.get('R-TEST'))!;
  const queued = async () => (await w.storage.jobs.claimDue(w.clock.iso(24 * 3_600_000), 50, 1_000, 'probe')).map((j) => j.kind).sort();

  it('patches each user once, reads each back, completes, and records intent before result', async () => {
    await storeRequest(w, users);
    expect(await run()).toEqual({ status: 'done' });
    expect((await request()).status).toBe('completed');
    expect(await outcomes(w)).toEqual({ u001: 'done', u002: 'done', u003: 'done' });
    expect(patchCounts(w, users)).toEqual({ u001: 1, u002: 1, u003: 1 });
    expect(users.every((id) => w.tenant.isCloudManaged(id))).toBe(true);
    const types = await eventTypes(w);
    expect(types[0]).toBe('request.created');
    expect(types[1]).toBe('execution.started');
    expect(types.indexOf('graph.patch.intent')).toBeLessThan(types.indexOf('graph.patch.result'));
    expect(types[types.length - 1]).toBe('execution.finished');
    // Every PATCH left after its intent was stored, and each was read back after its answer.
    const intentUsers = (await eventsOf(w, 'graph.patch.intent')).flatMap((e) => (e.data.users as { userId: string }[]).map((u) => u.userId));
    expect(intentUsers.sort()).toEqual(users);
    const order = w.tenant.calls.filter((c) => c.userId === 'u001').map((c) => c.op);
    expect(order).toEqual(['getUser', 'getCloudManaged', 'patch', 'getCloudManaged']);
    // The outcome is announced and the audit record looked for by queued jobs (they survive a crash).
    expect(await queued()).toEqual(['announce', 'audit-lookup']);
  });

  it('a user already moved (by someone else since approval) is not patched and counts as already done', async () => {
    await storeRequest(w, users);
    w.tenant.setCloudManaged('u002', true);
    await run();
    expect(await outcomes(w)).toEqual({ u001: 'done', u002: 'already-done', u003: 'done' });
    expect(patchCounts(w, users)).toEqual({ u001: 1, u002: 0, u003: 1 });
    expect((await request()).status).toBe('completed');
  });

  it('a user whose state changed after approval (no longer synced, or deleted) fails with the reason and is not patched', async () => {
    await storeRequest(w, users);
    w.tenant.updateUser('u001', { onPremisesSyncEnabled: false });
    w.tenant.failNext('getUser', 'u003', { kind: 'error', code: 'GRAPH.NOT_FOUND', status: 404 });
    await run();
    const r = await request();
    expect(r.status).toBe('completed-with-failures');
    expect(r.targets.map((t) => [t.execution.outcome, t.execution.errorCode])).toEqual([
      ['failed', 'STATE.CHANGED'],
      ['done', null],
      ['failed', 'GRAPH.NOT_FOUND'],
    ]);
    expect(patchCounts(w, users)).toEqual({ u001: 0, u002: 1, u003: 0 });
  });

  it('the scope guard is read again, transitively: a user put into a group nested in a protected group since approval is not changed', async () => {
    w = fakeDeps({ settings: { protectedGroupIds: ['G-BREAKGLASS'] } });
    users = addUsers(w, 2);
    await storeRequest(w, users);
    w.tenant.nestGroup('g-helpdesk', ['g-breakglass']);
    w.tenant.addToGroup('u002', 'G-HELPDESK');
    await run();
    const r = await request();
    expect(r.targets.map((t) => [t.execution.outcome, t.execution.errorCode])).toEqual([
      ['done', null],
      ['failed', 'SCOPE.PROTECTED'],
    ]);
    expect(patchCounts(w, users)).toEqual({ u001: 1, u002: 0 });
    expect(r.status).toBe('completed-with-failures');
  });

  it('fails closed when the membership cannot be read: the user is not written while a guard is set', async () => {
    w = fakeDeps({ settings: { allowedTargetGroupId: 'G-WAVE1' } });
    users = addUsers(w, 2);
    users.forEach((id) => w.tenant.addToGroup(id, 'G-WAVE1'));
    await storeRequest(w, users);
    w.tenant.failNext('memberGroups', 'u001', { kind: 'error', code: 'GRAPH.UNAVAILABLE', status: 503 });
    await run();
    expect(await outcomes(w)).toEqual({ u001: 'failed', u002: 'done' });
    expect(patchCounts(w, users)).toEqual({ u001: 0, u002: 1 });
  });

  it('a refused PATCH (403) fails that user with the permission named; nothing to read back', async () => {
    await storeRequest(w, users);
    w.tenant.failNext('patch', '*', { kind: 'error', code: 'GRAPH.PERMISSION_MISSING', status: 403 }, { times: 3 });
    await run();
    const r = await request();
    expect(r.status).toBe('failed');
    expect(r.targets.every((t) => t.execution.outcome === 'failed' && t.execution.errorCode === 'GRAPH.PERMISSION_MISSING')).toBe(true);
    // Only the re-read's flag reads: a refused write is not read back.
    expect(w.tenant.calls.filter((c) => c.op === 'getCloudManaged')).toHaveLength(3);
    expect(await queued()).toEqual(['announce']);
  });

  it('a PATCH that landed but whose answer was lost is read back and counted done, never sent again', async () => {
    await storeRequest(w, users);
    w.tenant.failNext('patch', 'u001', { kind: 'answer-lost' });
    await run();
    expect(await outcomes(w)).toEqual({ u001: 'done', u002: 'done', u003: 'done' });
    expect(patchCounts(w, users)).toEqual({ u001: 1, u002: 1, u003: 1 });
    const result = (await eventsOf(w, 'graph.patch.result')).flatMap((e) => e.data.results as { userId: string; ok: boolean; code: string | null }[]);
    expect(result.find((x) => x.userId === 'u001')).toMatchObject({ ok: false, code: 'GRAPH.UNAVAILABLE' });
  });

  it('an unanswered PATCH whose read-back also fails is "unknown" (not done, not failed) and says it will be read again', async () => {
    await storeRequest(w, ['u001']);
    w.tenant.failNext('patch', 'u001', { kind: 'answer-lost' });
    w.tenant.failNext('getCloudManaged', 'u001', { kind: 'error', code: 'GRAPH.UNAVAILABLE' }, { skip: 1 });
    await run();
    const t = (await request()).targets[0].execution;
    expect(t).toMatchObject({ outcome: 'unknown', errorCode: 'VERIFY.UNREACHABLE' });
    expect(patchCounts(w, ['u001'])).toEqual({ u001: 1 });
  });

  it('Graph accepted the PATCH but the read-back still shows the old value: failed as a mismatch, with advice', async () => {
    await storeRequest(w, ['u001']);
    // Someone (or a sync cycle) flips it back between our PATCH and our read-back.
    w.tenant.failNext('patch', 'u001', { kind: 'hang' });
    const running = run();
    const held = await w.tenant.nextHeld();
    held.land();
    w.tenant.setCloudManaged('u001', false);
    await running;
    const r = await request();
    expect(r.status).toBe('failed');
    expect(r.targets[0].execution).toMatchObject({ outcome: 'failed', errorCode: 'VERIFY.MISMATCH' });
    expect(r.targets[0].execution.errorDetail).toContain('Check the user in the Entra admin center');
  });

  it('a second execute job for a finished request (duplicate delivery) changes nothing', async () => {
    await storeRequest(w, users);
    await run();
    const before = w.tenant.calls.length;
    const events = (await eventTypes(w)).length;
    expect(await run()).toEqual({ status: 'done' });
    expect(w.tenant.calls.length).toBe(before);
    expect((await eventTypes(w)).length).toBe(events);
  });

  it('a request that was never approved is not executed', async () => {
    await storeRequest(w, users, { status: 'pending' });
    await run();
    expect(w.tenant.patches()).toHaveLength(0);
    expect((await request()).status).toBe('pending');
  });

  it('a rollback writes isCloudManaged false, then waits for the sync client (a watch job is queued)', async () => {
    users.forEach((id) => w.tenant.setCloudManaged(id, true));
    await storeRequest(w, users, { kind: 'rollback' });
    await run();
    const r = await request();
    expect(r.status).toBe('awaiting-sync');
    expect(r.targets.every((t) => t.sync?.status === 'waiting')).toBe(true);
    expect(w.tenant.patches().map((c) => c.value)).toEqual([false, false, false]);
    expect(users.some((id) => w.tenant.isCloudManaged(id))).toBe(false);
    expect(await queued()).toEqual(['announce', 'audit-lookup', 'rollback-watch']);
  });
});
