import { decideRequest } from '../../src/app/decide-request';
import { resumeOrCancel } from '../../src/app/bulk/resume-cancel';
import { confirmRollbackSafeguard } from '../../src/app/confirm-safeguard';
import { delegate, delegateOff } from '../../src/app/delegations';
import { isFirstDelivery } from '../../src/app/first-delivery';
import { httpStatusOf } from '../../src/adapters/http/tab-api';
import { Logger } from '../../src/ports/logger';
import { FakeWorld, PEOPLE, addUsers, eventTypes, fakeDeps, storeRequest } from '../support/fake-deps';

const APPROVERS = 'a0000000-0000-4000-8000-00000000aaaa';
const ROLLBACK_APPROVERS = 'a0000000-0000-4000-8000-00000000bbbb';
const ADMINS = 'a0000000-0000-4000-8000-00000000cccc';

/** A logger that keeps what was written (message and fields), to check the one log line of a failed check. */
function capturingLogger(lines: { level: string; msg: string; fields: Record<string, unknown> }[], bound: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, msg, fields: { ...bound, ...fields } });
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (bindings) => capturingLogger(lines, { ...bound, ...bindings }),
  };
}

/**
 * A role or approval-right check that Microsoft Graph cannot answer is refused as ROLE.CHECK_FAILED,
 * with words saying the check failed and Graph's reason, logged once, and nothing changed: never
 * "you are not an approver" (docs/architecture.md, failures and results).
 */
describe('a role check the directory cannot answer', () => {
  let w: FakeWorld;
  let lines: { level: string; msg: string; fields: Record<string, unknown> }[];
  beforeEach(() => {
    // Roles by group membership only, so every check asks the directory.
    w = fakeDeps({
      roles: {
        approverIds: [],
        approverGroupId: APPROVERS,
        rollbackApproverIds: [],
        rollbackApproverGroupId: ROLLBACK_APPROVERS,
        adminIds: [],
        adminGroupId: ADMINS,
      },
    });
    lines = [];
    w.deps.logger = capturingLogger(lines);
    addUsers(w, 1);
    for (const person of [PEOPLE.approver, PEOPLE.rollbackApprover, PEOPLE.admin])
      w.tenant.addUser(person.aadObjectId, `${person.name.split(' ')[0]}@contoso.com`);
    w.tenant.addToGroup(PEOPLE.approver.aadObjectId, APPROVERS);
    w.tenant.addToGroup(PEOPLE.rollbackApprover.aadObjectId, ROLLBACK_APPROVERS);
    w.tenant.addToGroup(PEOPLE.admin.aadObjectId, ADMINS);
  });
  // One failed membership read (the person's groups are read once per check, shared by its questions).
  const graphDown = () => w.tenant.failNext('memberGroups', '*', { kind: 'error', code: 'GRAPH.UNAVAILABLE', status: 503 });
  const refusedLines = () => lines.filter((l) => l.level === 'warn' && l.msg === 'role check failed: refused');
  const expectCheckFailed = (reply: { ok: boolean; text: string | null; error?: { code: string; detail?: Record<string, unknown> } }) => {
    expect(reply).toMatchObject({ ok: false, error: { code: 'ROLE.CHECK_FAILED', detail: { graphCode: 'GRAPH.UNAVAILABLE' } } });
    expect(reply.text).toMatch(
      /^I could not check your rights for this with Microsoft Graph just now, so nothing was changed\. Microsoft Graph did not answer/,
    );
    expect(reply.text).not.toMatch(/Only approvers/);
    expect(refusedLines()).toHaveLength(1);
  };

  it('an approval is refused as a failed check, not as "not an approver", and nothing is recorded', async () => {
    await storeRequest(w, ['u001'], { status: 'pending' });
    // The same person is an approver when Graph answers.
    graphDown();
    const reply = await decideRequest(w.deps, { actor: PEOPLE.approver, requestId: 'R-TEST', decision: 'approve', cardVersion: 1 });
    expectCheckFailed(reply);
    expect(refusedLines()[0].fields).toMatchObject({ requestId: 'R-TEST', actorId: PEOPLE.approver.aadObjectId });
    expect(await eventTypes(w)).toEqual(['request.created']);
    expect((await w.deps.requests.get('R-TEST'))!.status).toBe('pending');
  });

  it('resuming a halted wave is refused as a failed check (it used to say "only approvers")', async () => {
    await storeRequest(w, ['u001'], { status: 'halted' });
    graphDown();
    expectCheckFailed(await resumeOrCancel(w.deps, { actor: PEOPLE.approver, requestId: 'R-TEST', cardVersion: null, action: 'resume' }));
    expect((await w.deps.requests.get('R-TEST'))!.status).toBe('halted');
    // Graph answers again: the same click is accepted.
    expect(await resumeOrCancel(w.deps, { actor: PEOPLE.approver, requestId: 'R-TEST', cardVersion: null, action: 'resume' })).toMatchObject({ ok: true });
  });

  it("confirming a rollback's safeguard step is refused as a failed check for a rollback approver", async () => {
    await storeRequest(w, ['u001'], { status: 'pending', kind: 'rollback' });
    graphDown();
    expectCheckFailed(await confirmRollbackSafeguard(w.deps, { actor: PEOPLE.rollbackApprover, requestId: 'R-TEST', cardVersion: null }));
    expect((await w.deps.requests.get('R-TEST'))!.safeguard ?? null).toBeNull();
  });

  it('delegating is refused as a failed check, not as "only approvers can delegate"', async () => {
    graphDown();
    expectCheckFailed(await delegate(w.deps, { actor: PEOPLE.approver, upn: 'u001@contoso.com', until: '2099-01-01' }));
    expect(await w.deps.delegations.active(w.clock.iso())).toEqual([]);
  });

  it('ending another person\'s delegation is refused as a failed check, not as "only admins"', async () => {
    graphDown();
    expectCheckFailed(await delegateOff(w.deps, { actor: PEOPLE.admin, forUpn: 'u001@contoso.com' }));
  });

  it('the tab answers it with 503 (ask again), like any directory failure', () => {
    expect(httpStatusOf('ROLE.CHECK_FAILED')).toBe(503);
    expect(httpStatusOf('APPROVER.NOT_ALLOWED')).toBe(403);
  });
});

describe('an activity delivered twice', () => {
  it('is handled the first time only, per conversation; one without an id is always handled', async () => {
    const w = fakeDeps();
    const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
    w.deps.logger = capturingLogger(lines);
    expect(await isFirstDelivery(w.deps, { conversationId: 'c1', activityId: 'a1' })).toBe(true);
    expect(await isFirstDelivery(w.deps, { conversationId: 'c1', activityId: 'a1' })).toBe(false);
    expect(await isFirstDelivery(w.deps, { conversationId: 'c2', activityId: 'a1' })).toBe(true);
    expect(await isFirstDelivery(w.deps, { conversationId: 'c1', activityId: null })).toBe(true);
    expect(await isFirstDelivery(w.deps, { conversationId: 'c1', activityId: null })).toBe(true);
    expect(lines.filter((l) => l.msg === 'duplicate delivery ignored')).toEqual([expect.objectContaining({ fields: { activityId: 'a1' } })]);
  });
});
