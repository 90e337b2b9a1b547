import { confirmSafeguard, decide, expireIfDue } from '../../src/domain/approval-policy';
import { OPEN_STATUSES, PRE_EXECUTION_STATUSES, RequestStatus } from '../../src/domain/soa-request';
import { aPerson, aRequest } from '../support/builders';

const requester = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Rita' });
const adam = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000002', name: 'Adam' });
const amy = aPerson({ aadObjectId: 'aaaaaaaa-0000-0000-0000-000000000003', name: 'Amy' });
const now = new Date('2025-06-01T12:00:00.000Z');

const pending = (overrides = {}) =>
  aRequest({
    requester,
    status: 'pending',
    version: 3,
    cardVersion: 1,
    createdAt: '2025-06-01T10:00:00.000Z',
    expiresAt: '2025-06-02T10:00:00.000Z',
    decisions: [],
    ...overrides,
  });

describe('approval policy', () => {
  it('approves with one approval when one is required, bumping the versions', () => {
    const result = decide({ request: pending(), actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 1, now });
    expect(result).toMatchObject({ ok: true, effect: 'approved', request: { status: 'approved', version: 4, cardVersion: 2 } });
  });

  it('needs distinct approvers for a quorum of two', () => {
    const first = decide({ request: pending({ approvalsRequired: 2 }), actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 1, now });
    expect(first).toMatchObject({ ok: true, effect: 'approval-recorded', request: { status: 'pending' } });
    if (!first.ok) throw new Error('unreachable');
    const again = decide({ request: first.request, actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 2, now });
    expect(again).toMatchObject({ ok: false, error: { code: 'APPROVER.ALREADY_DECIDED' } });
    const second = decide({ request: first.request, actor: amy, actorIsApprover: true, decision: 'approve', cardVersion: 2, now });
    expect(second).toMatchObject({ ok: true, effect: 'approved' });
  });

  it('refuses the requester even when they are an approver', () => {
    const result = decide({ request: pending(), actor: { ...requester }, actorIsApprover: true, decision: 'approve', cardVersion: 1, now });
    expect(result).toMatchObject({ ok: false, error: { code: 'APPROVER.SELF_APPROVAL' } });
  });

  it('refuses someone who is not an approver', () => {
    expect(decide({ request: pending(), actor: amy, actorIsApprover: false, decision: 'approve', cardVersion: 1, now })).toMatchObject({
      ok: false,
      error: { code: 'APPROVER.NOT_ALLOWED' },
    });
  });

  it('refuses a click on a card showing an older version', () => {
    expect(decide({ request: pending({ cardVersion: 2 }), actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 1, now })).toMatchObject({
      ok: false,
      error: { code: 'REQUEST.STALE_CARD' },
    });
  });

  it('refuses decisions on a request that is no longer pending', () => {
    for (const status of ['approved', 'rejected', 'completed', 'expired'] as const) {
      expect(decide({ request: pending({ status }), actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 1, now })).toMatchObject({
        ok: false,
        error: { code: 'REQUEST.NOT_PENDING', detail: { status } },
      });
    }
  });

  it('refuses after expiry and flags it so the caller marks the request expired', () => {
    const late = new Date('2025-06-02T10:00:00.000Z');
    expect(decide({ request: pending(), actor: adam, actorIsApprover: true, decision: 'approve', cardVersion: 1, now: late })).toMatchObject({
      ok: false,
      expired: true,
      error: { code: 'REQUEST.EXPIRED' },
    });
    expect(expireIfDue(pending(), late)).toMatchObject({ status: 'expired', cardVersion: 2 });
    expect(expireIfDue(pending(), now)).toBeNull();
  });

  it('expires every state before execution at expiresAt, and nothing else', () => {
    const late = new Date('2025-06-02T10:00:00.000Z');
    expect(PRE_EXECUTION_STATUSES).toEqual(['pending', 'awaiting-safeguard']);
    for (const status of PRE_EXECUTION_STATUSES) {
      expect(expireIfDue(pending({ status, kind: 'rollback' }), late)).toMatchObject({
        status: 'expired',
        version: 4,
        cardVersion: 2,
        finishedAt: late.toISOString(),
      });
      expect(expireIfDue(pending({ status, kind: 'rollback' }), now)).toBeNull();
    }
    const others: RequestStatus[] = [
      'approved',
      'executing',
      'awaiting-sync',
      'sync-timed-out',
      'halted',
      'cancelled',
      'completed',
      'completed-with-failures',
      'failed',
      'rejected',
      'expired',
    ];
    for (const status of others) expect(expireIfDue(pending({ status }), late)).toBeNull();
    // 'expired' is final: it frees the users (it is not an open status).
    expect(OPEN_STATUSES).not.toContain('expired');
  });

  it('refuses a safeguard confirmation as expired, after the deadline and once the request has expired', () => {
    const waiting = pending({ kind: 'rollback', status: 'awaiting-safeguard' });
    const late = new Date('2025-06-02T10:00:00.000Z');
    expect(confirmSafeguard({ request: waiting, actor: adam, actorMayConfirm: true, cardVersion: 1, now: late })).toMatchObject({
      ok: false,
      expired: true,
      error: { code: 'REQUEST.EXPIRED' },
    });
    const expired = expireIfDue(waiting, late)!;
    expect(confirmSafeguard({ request: expired, actor: adam, actorMayConfirm: true, cardVersion: null, now: late })).toMatchObject({
      ok: false,
      error: { code: 'REQUEST.EXPIRED' },
    });
    expect(confirmSafeguard({ request: waiting, actor: adam, actorMayConfirm: true, cardVersion: 1, now })).toMatchObject({
      ok: true,
      effect: 'approved',
      request: { status: 'approved' },
    });
  });

  it('records a rejection with its comment', () => {
    const result = decide({ request: pending(), actor: adam, actorIsApprover: true, decision: 'reject', cardVersion: 1, comment: '  not now  ', now });
    expect(result).toMatchObject({ ok: true, effect: 'rejected', request: { status: 'rejected' } });
    if (result.ok) expect(result.request.decisions[0]).toMatchObject({ decision: 'reject', comment: 'not now', by: { name: 'Adam' } });
  });
});
