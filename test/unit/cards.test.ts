import { describeError } from '../../src/app/wording';
import { renderRequestCard } from '../../src/cards/request-card';
import { renderOutcomeCard } from '../../src/cards/outcome-card';
import { parseCardAction, VERBS } from '../../src/cards/action-data';
import { RequestStatus } from '../../src/domain/soa-request';
import { aDecision, aTarget, aRequest, aPreflightResult } from '../support/builders';
import { cardProblems } from '../support/card-validation';
import { actionsOf, cardText, walk } from '../support/card-text';

const STATUSES: RequestStatus[] = ['pending', 'approved', 'executing', 'completed', 'completed-with-failures', 'failed', 'rejected', 'expired'];

describe('request card', () => {
  it('parses with the adaptivecards SDK at version 1.5 in every state and for both audiences', () => {
    for (const status of STATUSES) {
      for (const audience of ['approver', 'everyone'] as const) {
        const card = renderRequestCard(aRequest({ status }), { audience, refreshUserIds: ['29:adam'], notice: { text: 'n', tone: 'good' } });
        expect({ status, audience, problems: cardProblems(card) }).toEqual({ status, audience, problems: [] });
        expect(card.version).toBe('1.5');
      }
    }
  });

  it('shows Approve and Reject only to approvers of a pending request, inside an ActionSet with a Submit fallback', () => {
    const request = aRequest({ status: 'pending', cardVersion: 4 });
    const approverCard = renderRequestCard(request, { audience: 'approver' });
    const verbs = actionsOf(approverCard).map((a) => a.verb);
    expect(verbs).toEqual([VERBS.approve, VERBS.reject]);
    for (const action of actionsOf(approverCard)) {
      expect(action.data).toEqual({ requestId: request.id, version: 4 });
      expect(action.fallback).toMatchObject({ type: 'Action.Submit', data: { requestId: request.id, version: 4, verb: action.verb } });
    }
    let insideActionSet = 0;
    walk(approverCard.body, (n) => {
      if (n.type === 'ActionSet') insideActionSet += (n.actions as unknown[]).length;
    });
    expect(insideActionSet).toBe(2);

    const everyoneCard = renderRequestCard(request, { audience: 'everyone' });
    expect(actionsOf(everyoneCard).map((a) => a.verb)).toEqual([VERBS.refresh]);
  });

  it('has no buttons once the request is decided, and says who decided when', () => {
    const request = aRequest({ status: 'approved', decisions: [aDecision({ at: '2025-06-01T10:05:00.000Z' })] });
    const card = renderRequestCard(request, { audience: 'approver' });
    expect(actionsOf(card)).toEqual([]);
    expect(cardText(card)).toMatch(/Approved by Bob Approver at 2025-06-01 10:05 UTC/);
  });

  it('lists who asked, why, the users with their preflight result, blocked users and the expiry', () => {
    const card = renderRequestCard(aRequest(), { audience: 'everyone' });
    const text = cardText(card);
    expect(text).toMatch(/Requested by: /);
    expect(text).toMatch(/Justification: Moving Jane/);
    expect(text).toMatch(/Expires at: 2025-06-02 10:00 UTC/);
    expect(text).toMatch(/Eligible: Synced from AD DS/);
    expect(text).toMatch(/cloud.only@contoso.com: Cloud-native/);
  });

  it('carries per-approver refresh with at most 60 MRIs only while pending', () => {
    const ids = Array.from({ length: 70 }, (_, i) => `29:u${i}`);
    const card = renderRequestCard(aRequest(), { audience: 'everyone', refreshUserIds: ids }) as any;
    expect(card.refresh.userIds).toHaveLength(60);
    expect(card.refresh.action).toMatchObject({ type: 'Action.Execute', verb: VERBS.refresh });
    expect((renderRequestCard(aRequest({ status: 'rejected' }), { audience: 'everyone', refreshUserIds: ids }) as any).refresh).toBeUndefined();
  });

  it('stays under 28 KB with 50 users', () => {
    const targets = Array.from({ length: 50 }, (_, i) =>
      aTarget({
        preflight: aPreflightResult({ upn: `user${i}@contoso.com`, userId: `0000000${i}-0000-0000-0000-000000000000`, displayName: `User Number ${i}` }),
      }),
    );
    expect(cardProblems(renderRequestCard(aRequest({ targets }), { audience: 'approver' }))).toEqual([]);
  });

  it('outcome card parses and links each user to the admin center', () => {
    const card = renderOutcomeCard(aRequest({ status: 'completed-with-failures' }));
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toMatch(/entra\.microsoft\.com/);
  });
});

describe('card action data', () => {
  it('accepts exactly {requestId, version} (plus the comment input)', () => {
    expect(parseCardAction(VERBS.approve, { requestId: 'SOA-ABC123', version: 2 })).toEqual({
      verb: VERBS.approve,
      data: { requestId: 'SOA-ABC123', version: 2 },
    });
    expect(parseCardAction(VERBS.reject, { requestId: 'SOA-ABC123', version: 2, comment: 'no' })).not.toBeNull();
  });

  it('refuses tampered or extra data', () => {
    expect(parseCardAction(VERBS.approve, { requestId: 'SOA-ABC123', version: 2, approver: 'me' })).toBeNull();
    expect(parseCardAction(VERBS.approve, { requestId: 'SOA-ABC123', version: '2' })).toBeNull();
    expect(parseCardAction(VERBS.approve, { requestId: "x' OR 1=1", version: 2 })).toBeNull();
    expect(parseCardAction('soa.delete', { requestId: 'SOA-ABC123', version: 2 })).toBeNull();
    expect(parseCardAction(VERBS.approve, null)).toBeNull();
    expect(parseCardAction(VERBS.approve, { requestId: 'SOA-ABC123', version: 2, verb: VERBS.reject })).toBeNull();
  });
});

describe('wording by request kind', () => {
  it('says "rollback" on a rollback card and "transfer" on a transfer card while it is queued and running', () => {
    for (const status of ['approved', 'executing'] as RequestStatus[]) {
      const rollback = cardText(renderRequestCard(aRequest({ kind: 'rollback', status }), { audience: 'everyone', tenantId: 't' }));
      expect(rollback).toMatch(/Approved, rollback (queued|running)/);
      expect(rollback).not.toMatch(/transfer (queued|running)/);
      const transfer = cardText(renderRequestCard(aRequest({ kind: 'transfer', status }), { audience: 'everyone', tenantId: 't' }));
      expect(transfer).toMatch(/Approved, transfer (queued|running)/);
    }
  });

  it('a rollback with nobody eligible says no user can be rolled back', () => {
    expect(describeError({ code: 'REQUEST.NONE_ELIGIBLE', detail: { kind: 'rollback' } })).toMatch(/^None of the users can be rolled back/);
    expect(describeError({ code: 'REQUEST.NONE_ELIGIBLE', detail: { kind: 'transfer' } })).toMatch(/^None of the users can be transferred/);
  });
});
