import { decideRequest } from '../../src/app/decide-request';
import { APPROVAL_CARD, FakeWorld, ORIGIN, PEOPLE, addUsers, eventTypes, eventsOf, fakeDeps, settle, storeRequest } from '../support/fake-deps';

/** Approve / reject against server state, with fakes: what the approver is told, what is stored and queued. */
describe('deciding a request', () => {
  let w: FakeWorld;
  beforeEach(async () => {
    w = fakeDeps();
    addUsers(w, 2);
  });

  const pending = (overrides = {}) => storeRequest(w, ['u001', 'u002'], { status: 'pending', ...overrides });
  const decide = (actor = PEOPLE.approver, decision: 'approve' | 'reject' = 'approve', cardVersion: number | null = 1, comment?: string) =>
    decideRequest(w.deps, { actor, requestId: 'R-TEST', decision, cardVersion, comment });
  const executeJobs = async () => (await w.deps.jobs.claimDue(w.clock.iso(), 10, 1_000, 'probe')).filter((j) => j.kind === 'execute');

  it('an approval that completes the quorum approves the request, queues its execution at once and tells the approver', async () => {
    await pending();
    const reply = await decide();
    expect(reply).toMatchObject({ ok: true, value: { status: 'approved', cardVersion: 2 } });
    expect(reply.text).toMatch(/^Approved by Avery Approver\. The transfer of 2 user\(s\) is starting/);
    expect((await w.deps.requests.get('R-TEST'))!.status).toBe('approved');
    expect(await eventTypes(w)).toEqual(['request.created', 'decision.approve']);
    expect((await eventsOf(w, 'decision.approve'))[0]).toMatchObject({ actorId: PEOPLE.approver.aadObjectId, data: { cardVersion: 1, effect: 'approved' } });
    expect((await executeJobs()).map((j) => j.requestId)).toEqual(['R-TEST']);
    expect(w.kicks()).toBeGreaterThan(0);
    await settle();
    // Everyone looking at the approval card sees the new state.
    expect(w.chat.updates.map((u) => u.activityId)).toContain(APPROVAL_CARD.activityId);
    // Approving changes nobody in the directory by itself.
    expect(w.tenant.patches()).toHaveLength(0);
  });

  it('with two approvals required, the first is recorded and nothing is queued; the second approves', async () => {
    await pending({ approvalsRequired: 2 });
    const first = await decide(PEOPLE.approver);
    expect(first).toMatchObject({ ok: true, value: { status: 'pending' } });
    expect(first.text).toBe('Your approval is recorded (1 of 2). Waiting for another approver.');
    expect(await executeJobs()).toHaveLength(0);
    // The same approver cannot count twice.
    const again = await decide(PEOPLE.approver, 'approve', 2);
    expect(again).toMatchObject({ ok: false, error: { code: 'APPROVER.ALREADY_DECIDED' } });
    const second = await decide(PEOPLE.approver2, 'approve', 2);
    expect(second).toMatchObject({ ok: true, value: { status: 'approved' } });
    expect(await executeJobs()).toHaveLength(1);
  });

  it('a rejection is final, tells the requester where they asked (with the comment) and queues nothing', async () => {
    await pending();
    const reply = await decide(PEOPLE.approver, 'reject', 1, 'Not during the freeze window');
    expect(reply).toMatchObject({ ok: true, value: { status: 'rejected' } });
    expect(reply.text).toMatch(/^Rejected by Avery Approver\./);
    await settle();
    expect(w.chat.texts(ORIGIN.conversationKey)).toEqual([
      'Rita Requester: your request R-TEST was rejected by Avery Approver: "Not during the freeze window"',
    ]);
    expect(await executeJobs()).toHaveLength(0);
    expect(await decide(PEOPLE.approver2, 'approve', 2)).toMatchObject({ ok: false, error: { code: 'REQUEST.NOT_PENDING' } });
  });

  it('the requester cannot approve their own request even when they are an approver: refused, and the refusal kept as evidence', async () => {
    w = fakeDeps({ roles: { approverIds: [PEOPLE.requester.aadObjectId, PEOPLE.approver.aadObjectId] } });
    addUsers(w, 2);
    await pending();
    const reply = await decide(PEOPLE.requester);
    expect(reply).toMatchObject({ ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } });
    expect(reply.text).toContain('you cannot approve or reject it yourself');
    expect((await w.deps.requests.get('R-TEST'))!.status).toBe('pending');
    expect(await eventsOf(w, 'decision.refused')).toEqual([
      expect.objectContaining({ actorId: PEOPLE.requester.aadObjectId, data: expect.objectContaining({ code: 'APPROVER.SELF_APPROVAL' }) }),
    ]);
    expect(await executeJobs()).toHaveLength(0);
  });

  it('someone without the approver role is refused and only counted, never written to the record', async () => {
    await pending();
    for (let i = 0; i < 5; i++) expect(await decide(PEOPLE.bystander)).toMatchObject({ ok: false, error: { code: 'APPROVER.NOT_ALLOWED' } });
    expect(await eventTypes(w)).toEqual(['request.created']);
    expect((await w.deps.requests.get('R-TEST'))!.status).toBe('pending');
  });

  it('a click on an out-of-date card is refused; the store holds the current request', async () => {
    await pending({ approvalsRequired: 2 });
    await decide(PEOPLE.approver);
    const reply = await decide(PEOPLE.approver2, 'approve', 1);
    expect(reply).toMatchObject({ ok: false, error: { code: 'REQUEST.STALE_CARD' } });
    // The refusal carries no request: the card shown with it is the current one, read again (card-action.ts).
    expect(await w.deps.requests.get('R-TEST')).toMatchObject({ cardVersion: 2, status: 'pending' });
    // The typed fallback (`approve R-TEST`, no card version) is checked against the current state instead.
    expect(await decide(PEOPLE.approver2, 'approve', null)).toMatchObject({ ok: true, value: { status: 'approved' } });
  });

  it('an approval after the deadline is refused and expires the request; the requester is told once', async () => {
    await pending();
    w.clock.advance(24 * 3_600_000);
    const reply = await decide();
    expect(reply).toMatchObject({ ok: false, error: { code: 'REQUEST.EXPIRED' } });
    expect(await w.deps.requests.get('R-TEST')).toMatchObject({ status: 'expired' });
    await decide(PEOPLE.approver2);
    await settle();
    expect(w.chat.texts(ORIGIN.conversationKey)).toEqual([
      'Rita Requester: request R-TEST expired without enough approvals. Nothing was changed; make a new request if it is still needed.',
    ]);
    expect(await eventsOf(w, 'request.expired')).toHaveLength(1);
    expect(await executeJobs()).toHaveLength(0);
  });

  it('two approvers clicking the same card at once: one decision counts, the other is told the card was stale, one execution', async () => {
    await pending();
    const replies = await Promise.all([decide(PEOPLE.approver), decide(PEOPLE.approver2)]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['REQUEST.STALE_CARD']);
    expect(await eventsOf(w, 'decision.approve')).toHaveLength(1);
    expect(await executeJobs()).toHaveLength(1);
  });

  it('while executions are frozen the approval is recorded and the approver is told it waits for unfreeze', async () => {
    await w.deps.settingsStore.set('executions.frozen', { value: 'true', updatedAt: w.clock.iso(), updatedBy: PEOPLE.admin.aadObjectId });
    await pending();
    const reply = await decide();
    expect(reply).toMatchObject({ ok: true, value: { status: 'approved' } });
    expect(reply.text).toContain('Executions are frozen right now: it will start when an admin writes `unfreeze`.');
  });

  it('a rollback needs a rollback approver, and approval waits for the safeguard confirmation before anything is queued', async () => {
    await pending({ kind: 'rollback' });
    expect(await decide(PEOPLE.approver)).toMatchObject({ ok: false, error: { code: 'APPROVER.NOT_ALLOWED' } });
    const reply = await decide(PEOPLE.rollbackApprover);
    expect(reply).toMatchObject({ ok: true, value: { status: 'awaiting-safeguard' } });
    expect(reply.text).toContain('someone must confirm on the card that the tenant safeguard is off');
    expect(await executeJobs()).toHaveLength(0);
  });
});
