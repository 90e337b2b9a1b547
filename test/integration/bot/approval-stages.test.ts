import { DEMO_IDS } from '../../../emulator/seeds/demo-tenant';
import { BotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { PERSONAL, messageActivity, submitActivity } from '../../support/teams-activities';
import { CHANNEL, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForStatus } from './flow-helpers';
import { CAROL, FLOW_GROUPS, GRACE, postsMatching, sayHello, startFlowHarness, stopBackgroundJobs } from './approval-flow-support';
import { waitUntil } from '../../support/wait-until';

const noticeOf = (body: any) => cardText(body.value).split('\n')[0];

describe('approval stages and escalation', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startFlowHarness({
      APPROVAL_STAGES: JSON.stringify([
        { name: 'Team lead', groupId: DEMO_IDS.groups.approvers, quorum: 1 },
        { name: 'Security', groupId: FLOW_GROUPS.security, quorum: 2 },
      ]),
      ESCALATE_AFTER: '8h',
      ESCALATION_APPROVER_GROUP_ID: FLOW_GROUPS.escalation,
      APPROVAL_TTL: '48h',
    });
  });
  afterAll(() => h.stop());

  it('two stages: stage 2 opens when stage 1 completes, needs 2 approvers of its own, never the same person twice; the card shows every stage', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: two stages');
    expect(cardText(posted.card)).toMatch(/1\. Team lead: 0 of 1 \(open\)/);
    expect(cardText(posted.card)).toMatch(/2\. Security: 0 of 2/);

    const early = await click(h, PEOPLE.ben, VERBS.approve, posted);
    expect(noticeOf(early.body)).toMatch(/at the "Team lead" stage, which you do not approve/);
    const lead = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(noticeOf(lead.body)).toMatch(/"Team lead" stage is complete\. The "Security" stage \(stage 2 of 2\) is now open/);
    let version = posted.version + 1;
    // Adam is in the Security group too, but one person never counts in two stages.
    const twice = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, version });
    expect(noticeOf(twice.body)).toMatch(/already recorded your decision/);
    const first = await click(h, PEOPLE.ben, VERBS.approve, { ...posted, version });
    expect(noticeOf(first.body)).toMatch(/1 of 2 in the "Security" stage/);
    version++;
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('pending');
    expect(soaPatches(h, DEMO_IDS.users.alice)).toHaveLength(0);
    const second = await click(h, CAROL, VERBS.approve, { ...posted, version });
    expect(noticeOf(second.body)).toMatch(/Approved by Carol Chen/);
    await waitForStatus(h, posted.requestId, 'completed');
    const request = await h.app.deps.requests.get(posted.requestId);
    expect(request?.decisions.map((d) => [d.by.name, d.stage])).toEqual([
      ['Adam Approver', 0],
      ['Ben Bystander', 1],
      ['Carol Chen', 1],
    ]);
    await h.connector.waitFor(() => /2\. Security: 2 of 2 \(Ben Bystander, Carol Chen\)/.test(cardText(h.connector.latestCard(posted.activityId))));
  });

  it('a rejection in stage 1 ends everything, and it needs a comment', async () => {
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: reject in stage 1');
    const bare = await click(h, PEOPLE.amy, VERBS.reject, posted);
    expect(noticeOf(bare.body)).toMatch(/A rejection needs a comment/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('pending');
    const rejected = await click(h, PEOPLE.amy, VERBS.reject, posted, CHANNEL, { comment: 'not this quarter' });
    expect(noticeOf(rejected.body)).toMatch(/Rejected by Amy Approver/);
    const later = await click(h, PEOPLE.ben, VERBS.approve, { ...posted, version: posted.version + 1 });
    expect(noticeOf(later.body)).toMatch(/no longer waiting for approval \(it is rejected\)/);
    expect(soaPatches(h, DEMO_IDS.users.bob)).toHaveLength(0);
  });

  it('escalation: after ESCALATE_AFTER the request is offered to the escalation group once (thread, personal chat, event), and they then count as approvers', async () => {
    await sayHello(h, GRACE);
    const posted = await requestInChannel(h, 'transfer carol@contoso.com reason: escalate me');
    const before = await click(h, GRACE, VERBS.approve, posted);
    expect(before.body.value).toMatch(/nothing I can show or do for that request here/);
    await stopBackgroundJobs(h);
    h.clock.advance(8 * 3_600_000 + 1_000);
    await h.app.runner.runDue();
    await h.app.runner.runDue();
    const told = postsMatching(
      h,
      new RegExp(`Request ${posted.requestId} has had no decision for 8 h, so it is now offered to the escalation approvers`),
      CHANNEL.id,
    );
    expect(told).toHaveLength(1);
    expect(told[0].entities).toEqual([expect.objectContaining({ mentioned: { id: GRACE.mri, name: 'Grace Green' } })]);
    // One post in Grace's personal chat: the line above the card she can decide on.
    const escalation = h.connector.posts(PERSONAL(GRACE).id).filter((p) => /escalated to you/.test(p.activity.text ?? ''));
    expect(escalation).toHaveLength(1);
    expect(JSON.stringify(escalation[0].activity.attachments ?? [])).toContain(posted.requestId);
    const request = await h.app.deps.requests.get(posted.requestId);
    expect(request?.escalatedAt).toBeTruthy();
    expect((await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'request.escalated')).toHaveLength(1);
    h.app.runner.start();
    const grace = await click(h, GRACE, VERBS.approve, { ...posted, version: request!.cardVersion });
    expect(noticeOf(grace.body)).toMatch(/"Team lead" stage is complete/);
    const decided = await h.app.deps.requests.get(posted.requestId);
    expect(decided?.decisions[0]).toMatchObject({ by: { name: 'Grace Green' }, as: 'escalation', stage: 0 });
  });
});

describe('delegation, reassignment, comments, pending, the mobile path', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startFlowHarness({ APPROVALS_REQUIRED: '2', ADMIN_IDS: DEMO_IDS.users.grace, REQUESTER_IDS: DEMO_IDS.users.amy });
    for (const who of [PEOPLE.adam, PEOPLE.amy, PEOPLE.ben, PEOPLE.rita]) await sayHello(h, who);
  });
  afterAll(() => h.stop());

  const say = async (from: typeof PEOPLE.adam, text: string, conversation = PERSONAL(from)) => {
    // The bot's answer is a reply in the turn; proactive posts (mentions, notices) may come in between.
    const activity = messageActivity({ serviceUrl: h.connector.url, from, text, conversation });
    await h.send(activity);
    return h.connector.waitFor(() =>
      h.connector
        .posts(conversation.id)
        .filter((p) => p.replyToId === activity.id)
        .map((p) => p.activity.text ?? '')
        .find(Boolean),
    );
  };
  /** Lets every open request expire (APPROVAL_TTL 24h), so their users are free for the next test. */
  const expireAll = async () => {
    h.clock.advance(25 * 3_600_000);
    await h.app.runner.runDue();
    await waitUntil(async () => (await h.app.deps.requests.listByStatus(['pending'])).length === 0, 'every open request to expire', 10_000);
  };
  const tomorrow = () => new Date(h.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);

  it('a delegate decides for the delegator ("Ben (for Adam)"), who is told and cannot decide again; `delegate off` ends it', async () => {
    expect(await say(PEOPLE.ben, `delegate to amy@contoso.com until ${tomorrow()}`)).toMatch(/Only approvers can delegate/);
    expect(await say(PEOPLE.adam, `delegate to ben@contoso.com until ${tomorrow()}`)).toMatch(/delegated to Ben Bystander until/);
    expect(await say(PEOPLE.adam, 'delegations')).toMatch(/Adam Approver → Ben Bystander/);
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: delegated');
    const ben = await click(h, PEOPLE.ben, VERBS.approve, posted);
    expect(noticeOf(ben.body)).toMatch(/Your approval is recorded \(1 of 2\)/);
    expect(cardText(ben.body.value)).toMatch(/Approved by Ben Bystander \(for Adam Approver\)/);
    await h.connector.waitFor(() =>
      h.connector.texts(PERSONAL(PEOPLE.adam).id).find((t) => t.includes(`Ben Bystander approved request ${posted.requestId} for you`)),
    );
    const adam = await click(h, PEOPLE.adam, VERBS.approve, { ...posted, version: posted.version + 1 });
    expect(noticeOf(adam.body)).toMatch(/already recorded your decision/);
    const event = (await h.app.deps.requests.events(posted.requestId)).find((e) => e.type === 'decision.approve');
    expect(event?.data).toMatchObject({ as: 'delegate', onBehalfOf: DEMO_IDS.users.adam });
    expect(event?.actorId).toBe(DEMO_IDS.users.ben);

    expect(await say(PEOPLE.adam, 'delegate off')).toMatch(/Ended: Adam Approver → Ben Bystander/);
    const next = await requestInChannel(h, 'transfer bob@contoso.com reason: after delegate off');
    const refused = await click(h, PEOPLE.ben, VERBS.approve, next);
    expect(refused.body.value).toMatch(/nothing I can show or do for that request here/);
    expect((await h.app.deps.requests.get(next.requestId))?.decisions).toHaveLength(0);
  });

  it('self-approval through a delegation is refused, and a delegation ends at its date', async () => {
    // Adam delegates to Amy, who is also a requester: never for her own request.
    expect(await say(PEOPLE.adam, `delegate to amy@contoso.com until ${tomorrow()}`)).toMatch(/delegated to Amy Approver/);
    const own = await requestInChannel(h, 'transfer carol@contoso.com reason: Amy asks', PEOPLE.amy);
    const self = await click(h, PEOPLE.amy, VERBS.approve, own);
    expect(noticeOf(self.body)).toMatch(/You made this request, so you cannot approve/);
    expect(await say(PEOPLE.adam, 'delegate off')).toMatch(/Ended/);

    // The window: Amy delegates to Ben until tomorrow; the day after, Ben has no right any more.
    expect(await say(PEOPLE.amy, `delegate to ben@contoso.com until ${tomorrow()}`)).toMatch(/delegated to Ben Bystander/);
    const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: window');
    const during = await click(h, PEOPLE.ben, VERBS.refresh, posted);
    expect(JSON.stringify(during.body.value)).toContain(VERBS.approve);
    h.clock.advance(2 * 86_400_000);
    const after = await click(h, PEOPLE.ben, VERBS.approve, posted);
    expect(after.body.value).toMatch(/nothing I can show or do for that request here/);
    // An admin sees and could end the delegations; this one ran out by itself.
    expect(await say(GRACE, 'delegations')).toMatch(/No delegation is running/);
  });

  it('admins list every delegation and end one with `delegate off for <upn>`; nobody else can', async () => {
    expect(await say(PEOPLE.adam, `delegate to ben@contoso.com until ${tomorrow()}`)).toMatch(/delegated to Ben Bystander/);
    expect(await say(PEOPLE.amy, 'delegations')).toBe('You give and hold no delegation right now.');
    expect(await say(GRACE, 'delegations')).toMatch(/Adam Approver → Ben Bystander/);
    expect(await say(PEOPLE.ben, 'delegate off for adam@contoso.com')).toMatch(/Only admins can end another person's delegation/);
    expect(await say(GRACE, 'delegate off for adam@contoso.com')).toMatch(/Ended: Adam Approver → Ben Bystander/);
    expect(await say(PEOPLE.ben, 'delegations')).toBe('You give and hold no delegation right now.');
    expect(await say(GRACE, 'delegate off for adam@contoso.com')).toMatch(/no active delegation to end/);
  });

  it('reassign passes a request to another eligible approver with a note, recorded; not to its requester', async () => {
    await expireAll();
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: reassign');
    expect(await say(PEOPLE.adam, `reassign ${posted.requestId} to rita@contoso.com`, CHANNEL)).toMatch(/cannot decide this request/);
    expect(await say(PEOPLE.adam, `reassign ${posted.requestId} to amy@contoso.com I am out today`, CHANNEL)).toMatch(
      /passed to Amy Approver; they have been told/,
    );
    const told = postsMatching(h, new RegExp(`Adam Approver passed request ${posted.requestId} to you for a decision: "I am out today"`), CHANNEL.id);
    expect(told[0].entities).toEqual([expect.objectContaining({ mentioned: { id: PEOPLE.amy.mri, name: 'Amy Approver' } })]);
    expect(h.connector.texts(PERSONAL(PEOPLE.amy).id).some((t) => t.includes(`passed request ${posted.requestId} to you`))).toBe(true);
    const request = await h.app.deps.requests.get(posted.requestId);
    expect(request?.reassignments).toEqual([
      expect.objectContaining({
        from: expect.objectContaining({ name: 'Adam Approver' }),
        to: expect.objectContaining({ name: 'Amy Approver' }),
        note: 'I am out today',
      }),
    ]);
    expect((await h.app.deps.requests.events(posted.requestId)).some((e) => e.type === 'request.reassigned')).toBe(true);
  });

  it('`pending` lists what waits for the asker, oldest first with its age, without their own or decided requests', async () => {
    await expireAll();
    const older = await requestInChannel(h, 'transfer bob@contoso.com reason: older');
    h.clock.advance(2 * 3_600_000);
    const newer = await requestInChannel(h, 'transfer carol@contoso.com reason: newer');
    const text = await say(PEOPLE.amy, 'pending');
    expect(text).toMatch(/^Waiting for your decision/);
    const lines = text.split('\n');
    const olderLine = lines.findIndex((l) => l.includes(older.requestId));
    const newerLine = lines.findIndex((l) => l.includes(newer.requestId));
    expect(olderLine).toBeGreaterThan(0);
    expect(newerLine).toBeGreaterThan(olderLine);
    expect(lines[olderLine]).toMatch(/\(2 h old\)/);
    expect(lines[newerLine]).toMatch(/\(0 min old\)/);
    await click(h, PEOPLE.amy, VERBS.approve, newer);
    expect(await say(PEOPLE.amy, 'pending')).not.toContain(newer.requestId);
    expect(await say(PEOPLE.ben, 'pending')).toBe('Nothing is waiting for your decision.');
  });

  it('mobile: typed `reject <id>` needs a comment; the Submit fallback and typed commands decide like the buttons', async () => {
    await expireAll();
    const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: mobile');
    expect(await say(PEOPLE.adam, `reject ${posted.requestId}`, CHANNEL)).toMatch(/A rejection needs a comment/);
    // The Action.Submit fallback of the card (clients without Universal Actions): the same use case.
    const submit = submitActivity({
      serviceUrl: h.connector.url,
      from: PEOPLE.adam,
      value: { requestId: posted.requestId, version: posted.version, verb: VERBS.reject },
      replyToId: posted.activityId,
      conversation: CHANNEL,
    });
    await h.send(submit);
    expect(await h.connector.waitFor(() => h.connector.posts(CHANNEL.id).find((p) => p.replyToId === submit.id)?.activity.text)).toMatch(
      /A rejection needs a comment/,
    );
    const approve = submitActivity({
      serviceUrl: h.connector.url,
      from: PEOPLE.adam,
      value: { requestId: posted.requestId, version: posted.version, verb: VERBS.approve },
      replyToId: posted.activityId,
      conversation: CHANNEL,
    });
    await h.send(approve);
    expect(await h.connector.waitFor(() => h.connector.posts(CHANNEL.id).find((p) => p.replyToId === approve.id)?.activity.text)).toMatch(
      /Your approval is recorded \(1 of 2\)/,
    );
    expect(await say(PEOPLE.amy, `reject ${posted.requestId} wrong wave`, CHANNEL)).toMatch(/Rejected by Amy Approver/);
    expect((await h.app.deps.requests.get(posted.requestId))?.decisions.map((d) => [d.decision, d.comment])).toEqual([
      ['approve', null],
      ['reject', 'wrong wave'],
    ]);
    // `confirm`, `resume`, `cancel` exist as typed commands too (here: nothing to confirm on a transfer).
    expect(await say(PEOPLE.adam, `confirm ${posted.requestId}`, CHANNEL)).toMatch(/not valid/);
  });

  it('mobile: the rollback safeguard step is confirmed with a typed `confirm <id>`, only where the card is', async () => {
    const rollback = await requestInChannel(h, 'rollback ivan@contoso.com reason: mobile confirm');
    expect(cardText(rollback.card)).toContain(`confirm ${rollback.requestId}`);
    expect(await say(PEOPLE.rita, `confirm ${rollback.requestId}`)).toMatch(/in the conversation where the request's card was posted/);
    expect((await h.app.deps.requests.get(rollback.requestId))?.safeguard ?? null).toBeNull();
    await say(PEOPLE.rita, `confirm ${rollback.requestId}`, CHANNEL);
    expect((await h.app.deps.requests.get(rollback.requestId))?.safeguard).toMatchObject({ confirmedBy: { name: 'Rita Requester' } });
  });
});
