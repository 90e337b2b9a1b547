import { DEMO_IDS } from '../../../emulator/seeds/demo-tenant';
import { BotHarness } from '../../support/bot-harness';
import { tabCall, tabEnv, userToken } from '../../support/tab-client';
import { FLOW_GROUPS, startFlowHarness } from '../bot/approval-flow-support';
import { PEOPLE, VERBS, click, requestInChannel, waitForStatus } from '../bot/flow-helpers';

/**
 * The detail's `may.decide` is the card's rule (request-access.ts mayDecideNow: the approval policy's
 * stages, escalation, delegation), not a role check of its own: Ben approves only the second stage
 * (Security), so he is not offered Approve/Reject while the first (Team lead) is open, and is once it
 * completes. Through /api/messages and /api/tab on the emulator.
 */
describe('tab detail: may.decide follows the approval stages', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startFlowHarness(
      tabEnv({
        APPROVAL_STAGES: JSON.stringify([
          { name: 'Team lead', groupId: DEMO_IDS.groups.approvers, quorum: 1 },
          { name: 'Security', groupId: FLOW_GROUPS.security, quorum: 1 },
        ]),
      }),
    );
  });
  afterAll(() => h.stop());

  const detailAs = async (oid: string, requestId: string) => tabCall(h, `/api/tab/requests/${requestId}`, { token: userToken(h, oid) });

  it('a stage-2 approver sees the request but may not decide while stage 1 is open, and may once it is complete', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: stages in the tab');

    const early = await detailAs(PEOPLE.ben.aadObjectId, posted.requestId);
    expect(early.status).toBe(200);
    expect(early.json.may).toEqual({ decide: false, resume: false, cancel: false });
    // The stage-1 approver may; the requester never.
    expect((await detailAs(PEOPLE.adam.aadObjectId, posted.requestId)).json.may.decide).toBe(true);
    expect((await detailAs(PEOPLE.rita.aadObjectId, posted.requestId)).json.may.decide).toBe(false);
    // What the detail offers is what the decision route allows.
    const refused = await tabCall(h, `/api/tab/requests/${posted.requestId}/decision`, {
      token: userToken(h, PEOPLE.ben.aadObjectId),
      body: { decision: 'approve', version: early.json.version },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('APPROVER.NOT_THIS_STAGE');

    await click(h, PEOPLE.adam, VERBS.approve, posted);
    const later = await detailAs(PEOPLE.ben.aadObjectId, posted.requestId);
    expect(later.json.may.decide).toBe(true);
    // Adam decided stage 1: he is not offered stage 2.
    expect((await detailAs(PEOPLE.adam.aadObjectId, posted.requestId)).json.may.decide).toBe(false);

    const approved = await tabCall(h, `/api/tab/requests/${posted.requestId}/decision`, {
      token: userToken(h, PEOPLE.ben.aadObjectId, { name: 'Ben Bystander' }),
      body: { decision: 'approve', version: later.json.version },
    });
    expect(approved.status).toBe(200);
    await waitForStatus(h, posted.requestId, 'completed');
    expect((await detailAs(PEOPLE.ben.aadObjectId, posted.requestId)).json.may.decide).toBe(false);
  });
});
