import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { messageActivity, submitActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForText, waitUntilSettled } from './flow-helpers';

describe('approval decisions', () => {
  let h: BotHarness;
  beforeAll(async () => {
    // Adam may also request, so that self-approval can be tried; two approvals make stale cards possible.
    h = await startBotHarness({ env: { REQUESTER_IDS: DEMO_IDS.users.adam } });
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.emulator.control.reset();
    h.emulator.control.clearCalls();
  });

  const noticeOf = (body: any) => cardText(body.value).split('\n')[0];

  it('reject: the request ends, the requester is told with the comment, nothing is changed in the directory', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: test reject');
    const response = await click(h, PEOPLE.adam, VERBS.reject, posted, CHANNEL, { comment: 'wait for the HR cut-over' });
    expect(response.status).toBe(200);
    expect(cardText(response.body.value)).toMatch(/Rejected by Adam Approver .*wait for the HR cut-over/);
    const told = await waitForText(h, /was rejected by Adam Approver/);
    expect(told).toContain('Rita Requester');
    expect(told).toContain('wait for the HR cut-over');
    await h.connector.waitFor(() => /Rejected/.test(cardText(h.connector.latestCard(posted.activityId))));
    await waitUntilSettled(h);
    expect(soaPatches(h)).toHaveLength(0);
    expect(h.emulator.control.getUser('alice@contoso.com')?.isCloudManaged).toBe(false);
  });

  it('refuses self-approval, a bystander, a second click and a click after the end, changing nothing', async () => {
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: self', PEOPLE.adam);

    const self = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(noticeOf(self.body)).toMatch(/You made this request, so you cannot approve/);
    // Ben has no role for this request: a neutral answer, no card.
    const bystander = await click(h, PEOPLE.ben, VERBS.approve, posted);
    expect(bystander.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(bystander.body.value).toMatch(/nothing I can show or do for that request here/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('pending');

    const first = await click(h, PEOPLE.amy, VERBS.approve, posted);
    expect(noticeOf(first.body)).toMatch(/Approved by Amy Approver/);
    const second = await click(h, PEOPLE.amy, VERBS.approve, posted);
    expect(noticeOf(second.body)).toMatch(/no longer waiting for approval/);
    await waitForText(h, /Transfer SOA-\w+: completed/);
    // Rita has no role for Adam's request: the neutral answer; Amy's late click is refused as such.
    const late = await click(h, PEOPLE.rita, VERBS.reject, { ...posted, version: posted.version + 1 });
    expect(late.body.value).toMatch(/nothing I can show or do for that request here/);
    const lateApprover = await click(h, PEOPLE.amy, VERBS.reject, { ...posted, version: posted.version + 1 });
    expect(noticeOf(lateApprover.body)).toMatch(/no longer waiting for approval/);
    expect(soaPatches(h, DEMO_IDS.users.bob)).toHaveLength(1);
    const request = await h.app.deps.requests.get(posted.requestId);
    expect(request?.decisions.map((d) => d.by.name)).toEqual(['Amy Approver']);
  });

  it('refuses a click on a stale card and a click with tampered data', async () => {
    const posted = await requestInChannel(h, 'transfer carol@contoso.com reason: stale');
    const stale = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, version: posted.version - 1 });
    expect(noticeOf(stale.body)).toMatch(/out of date/);

    const extra = await click(h, PEOPLE.adam, VERBS.approve, posted, CHANNEL, { approvedBy: DEMO_IDS.users.adam });
    expect(extra.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(extra.body.value).toMatch(/not valid/);
    const wrongType = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, version: String(posted.version) as unknown as number });
    expect(wrongType.body.value).toMatch(/not valid/);
    // An unknown id gets the neutral answer: it must not tell which ids exist.
    const unknown = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, requestId: 'SOA-ZZZZZZ' });
    expect(unknown.body.value).toMatch(/nothing I can show or do for that request here/);
    const badVerb = await click(h, PEOPLE.adam, 'soa.transferEveryone', posted);
    expect(badVerb.body.value).toMatch(/not valid/);

    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('pending');
    expect(soaPatches(h)).toHaveLength(0);
  });

  it('shows approvers the buttons, the requester only the status, and a bystander nothing when they open the card', async () => {
    const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: views');
    const asApprover = await click(h, PEOPLE.amy, VERBS.refresh, posted);
    expect(JSON.stringify(asApprover.body.value)).toContain(VERBS.approve);
    const asBystander = await click(h, PEOPLE.ben, VERBS.refresh, posted);
    expect(asBystander.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(JSON.stringify(asBystander.body.value)).not.toMatch(/dave@|views/);
    const asRequester = await click(h, PEOPLE.rita, VERBS.refresh, posted);
    expect(asRequester.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(asRequester.body.value)).not.toContain(VERBS.approve);
  });

  it('accepts the Action.Submit fallback and the typed `approve <id>` with the same checks', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: fallback');
    await h.send(
      submitActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.ben,
        value: { requestId: posted.requestId, version: posted.version, verb: VERBS.approve },
        replyToId: posted.activityId,
        conversation: CHANNEL,
      }),
    );
    await waitForText(h, /nothing I can show or do for that request here/);
    await h.send(
      submitActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        value: { requestId: posted.requestId, version: posted.version, verb: VERBS.approve },
        replyToId: posted.activityId,
        conversation: CHANNEL,
      }),
    );
    await waitForText(h, /Only approvers can approve/);
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.amy, text: `approve ${posted.requestId.toLowerCase()}`, conversation: CHANNEL }));
    await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(soaPatches(h, DEMO_IDS.users.alice)).toHaveLength(1);
  });
});

describe('two approvals required', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { APPROVALS_REQUIRED: '2' } });
  });
  afterAll(() => h.stop());

  it('waits for a second, different approver and refuses the first card version afterwards', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: quorum');
    const first = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(first.body.value)).toMatch(/1 of 2/);
    // It waits: one approval executes nothing.
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('pending');
    expect(soaPatches(h, DEMO_IDS.users.alice)).toHaveLength(0);
    // A different approver: Adam approving again, on the current card, is not the second approval.
    const again = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, version: posted.version + 1 });
    expect(cardText(again.body.value)).toMatch(/already recorded your decision on this request\. Nothing was changed/);
    expect((await h.app.deps.requests.get(posted.requestId))?.decisions.map((d) => d.by.name)).toEqual(['Adam Approver']);
    const stale = await click(h, PEOPLE.amy, VERBS.approve, posted);
    expect(cardText(stale.body.value)).toMatch(/out of date/);
    const fresh = await click(h, PEOPLE.amy, VERBS.approve, { ...posted, version: posted.version + 1 });
    expect(cardText(fresh.body.value)).toMatch(/Approved by Amy Approver/);
    await waitForText(h, /Transfer SOA-\w+: completed/);
    expect(soaPatches(h, DEMO_IDS.users.alice)).toHaveLength(1);
    expect((await h.app.deps.requests.get(posted.requestId))?.decisions.map((d) => d.by.name)).toEqual(['Adam Approver', 'Amy Approver']);
  });
});
