import { ApproverRights, currentStage, decide, entitlement } from '../../src/domain/approval-policy';
import { SoaRequest } from '../../src/domain/soa-request';
import { aPerson, aRequest } from '../support/builders';

const rita = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Rita' });
const adam = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000002', name: 'Adam' });
const amy = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000003', name: 'Amy' });
const sam = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000004', name: 'Sam' });
const sue = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000005', name: 'Sue' });
const now = new Date('2025-06-01T12:00:00.000Z');

const twoStages = (overrides: Partial<SoaRequest> = {}) =>
  aRequest({
    requester: rita,
    cardVersion: 1,
    expiresAt: '2025-06-02T10:00:00.000Z',
    approvalsRequired: 3,
    stages: [
      { name: 'Team lead', groupId: 'g1', quorum: 1 },
      { name: 'Security', groupId: 'g2', quorum: 2 },
    ],
    ...overrides,
  });
const own = (...ownStages: number[]): ApproverRights => ({ ownStages, escalation: false, delegations: [] });

function approve(request: SoaRequest, actor = adam, rights = own(0), decision: 'approve' | 'reject' = 'approve', comment: string | null = null) {
  const outcome = decide({ request, actor, rights, decision, cardVersion: request.cardVersion, comment, now });
  return outcome;
}

describe('approval stages (pure policy)', () => {
  it('opens stage 2 when stage 1 completes, and approves when stage 2 reaches its quorum of 2', () => {
    const first = approve(twoStages(), adam, own(0));
    expect(first).toMatchObject({ ok: true, effect: 'stage-completed', request: { status: 'pending' } });
    if (!first.ok) throw new Error('unreachable');
    expect(currentStage(first.request)).toBe(1);
    expect(first.request.decisions[0]).toMatchObject({ stage: 0, as: 'approver', onBehalfOf: null });
    const s1 = approve(first.request, sam, own(1));
    expect(s1).toMatchObject({ ok: true, effect: 'approval-recorded' });
    if (!s1.ok) throw new Error('unreachable');
    const s2 = approve(s1.request, sue, own(1));
    expect(s2).toMatchObject({ ok: true, effect: 'approved', request: { status: 'approved' } });
  });

  it('refuses a later stage approver before their stage opens, with the open stage named', () => {
    expect(approve(twoStages(), sam, own(1))).toMatchObject({ ok: false, error: { code: 'APPROVER.NOT_THIS_STAGE', detail: { stage: 'Team lead' } } });
  });

  it('never counts one person in two stages', () => {
    const first = approve(twoStages(), adam, own(0, 1));
    if (!first.ok) throw new Error('unreachable');
    expect(approve(first.request, adam, own(0, 1))).toMatchObject({ ok: false, error: { code: 'APPROVER.ALREADY_DECIDED' } });
  });

  it('one rejection in stage 1 ends the request, and a rejection needs a comment', () => {
    expect(approve(twoStages(), adam, own(0), 'reject', '  ')).toMatchObject({ ok: false, error: { code: 'DECISION.COMMENT_REQUIRED' } });
    expect(approve(twoStages(), adam, own(0), 'reject', 'not now')).toMatchObject({ ok: true, effect: 'rejected', request: { status: 'rejected' } });
  });

  it('the requester is never an approver, at any stage, in their own right or for someone else', () => {
    expect(approve(twoStages(), rita, own(0, 1))).toMatchObject({ ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } });
    const forAdam: ApproverRights = { ownStages: [], escalation: false, delegations: [{ delegator: adam, stages: [0] }] };
    expect(approve(twoStages(), rita, forAdam)).toMatchObject({ ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } });
    // Acting for the requester is refused too.
    const forRita: ApproverRights = { ownStages: [], escalation: false, delegations: [{ delegator: rita, stages: [0] }] };
    expect(approve(twoStages(), amy, forRita)).toMatchObject({ ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } });
  });

  it('a delegate decides for the delegator, who then counts as decided (for both of them)', () => {
    const forAdam: ApproverRights = { ownStages: [], escalation: false, delegations: [{ delegator: adam, stages: [0] }] };
    const first = approve(twoStages(), amy, forAdam);
    expect(first).toMatchObject({ ok: true, effect: 'stage-completed' });
    if (!first.ok) throw new Error('unreachable');
    expect(first.request.decisions[0]).toMatchObject({ by: { name: 'Amy' }, onBehalfOf: { name: 'Adam' }, as: 'delegate' });
    expect(entitlement(first.request, adam, own(0, 1))).toMatchObject({ ok: false, error: { code: 'APPROVER.ALREADY_DECIDED' } });
  });

  it('escalation approvers count only once the request is escalated', () => {
    const rights: ApproverRights = { ownStages: [], escalation: true, delegations: [] };
    expect(approve(twoStages(), sue, rights)).toMatchObject({ ok: false, error: { code: 'APPROVER.NOT_THIS_STAGE' } });
    expect(approve(twoStages({ escalatedAt: '2025-06-01T11:00:00.000Z' }), sue, rights)).toMatchObject({ ok: true, effect: 'stage-completed' });
  });

  it('without stages behaves as one stage of approvalsRequired', () => {
    const single = aRequest({ requester: rita, approvalsRequired: 2, expiresAt: '2025-06-02T10:00:00.000Z' });
    const first = decide({ request: single, actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 1, now });
    expect(first).toMatchObject({ ok: true, effect: 'approval-recorded' });
  });
});
