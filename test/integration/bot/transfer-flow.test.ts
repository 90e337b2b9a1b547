import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { wordsOf } from '../../support/connector-capture';
import { cardProblems } from '../../support/card-validation';
import { cardText } from '../../support/card-text';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, findRequestCard, requestInChannel, soaPatches, waitForAuditVisible, waitForText } from './flow-helpers';

describe('transfer: request → approve → transfer → verify → confirm → audit', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { AUDIT_LOOKUP_TIMEOUT: '5s' } });
    h.emulator.control.setAuditDelay(300);
  });
  afterAll(() => h.stop());

  it('transfers a synced user end to end with the audit record', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: CHG-1001 HR moves to cloud');
    expect(cardProblems(posted.card)).toEqual([]);
    const text = cardText(posted.card);
    expect(text).toMatch(/Rita Requester/);
    expect(text).toMatch(/CHG-1001 HR moves to cloud/);
    expect(text).toMatch(/alice@contoso.com/);
    expect(text).toMatch(/Waiting for approval/);
    expect(soaPatches(h)).toHaveLength(0);

    const started = Date.now();
    const response = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(200);
    expect(response.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(response.body.value)).toMatch(/Approved by Adam Approver/);

    const outcome = await waitForText(h, /Transfer SOA-[A-Z0-9]+: completed/);
    expect(outcome).toMatch(/1 done/);
    expect(h.emulator.control.getUser('alice@contoso.com')).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null });
    expect(soaPatches(h, DEMO_IDS.users.alice)).toHaveLength(1);

    // The outcome is posted once: one message, the card alone (no text line above it saying the same).
    const outcomePosts = h.connector.posts(CHANNEL.id).filter((p) => /^Transfer SOA-[A-Z0-9]+: completed/.test(wordsOf(p)));
    expect(outcomePosts).toHaveLength(1);
    const outcomePost = outcomePosts[0];
    expect(outcomePost.activity.text).toBeUndefined();
    const outcomeCard = outcomePost.activity.attachments![0].content;
    expect(cardProblems(outcomeCard)).toEqual([]);
    expect(cardText(outcomeCard)).toContain(`userId/${DEMO_IDS.users.alice}`);
    expect(cardText(outcomeCard)).toMatch(/AuditLogList/);

    // Everyone's copy of the card was edited: approved by whom and when, then completed.
    const latest = h.connector.latestCard(posted.activityId)!;
    expect(cardText(latest)).toMatch(/Approved by Adam Approver at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await h.connector.waitFor(() => /Completed/.test(cardText(h.connector.latestCard(posted.activityId))));

    // The audit search is a job on the bot's clock: once the emulator shows the record, move the clock
    // past AUDIT_LOOKUP_FIRST_DELAY so the search runs and finds it.
    await waitForAuditVisible(h, [DEMO_IDS.users.alice], 300);
    h.clock.advance(1_000);
    const audit = await waitForText(h, /Audit records for/);
    const record = h.emulator.control.audits().find((a) => a.targetResources.some((t) => t.id === DEMO_IDS.users.alice))!;
    expect(audit).toContain('Change Source of Authority');
    expect(audit).toContain(record.correlationId);

    // The durable record holds the request, the decision and the Graph calls with their request ids.
    const events = await h.app.deps.requests.events(posted.requestId);
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'request.created',
        'decision.approve',
        'graph.patch.intent',
        'graph.patch.result',
        'execution.finished',
        'audit.found',
        'graph.call',
      ]),
    );
    const patch = events.find((e) => e.type === 'graph.patch.result')!;
    expect(patch.data.results).toEqual([
      expect.objectContaining({ upn: 'alice@contoso.com', ok: true, graphRequestId: soaPatches(h, DEMO_IDS.users.alice)[0].requestId }),
    ]);
  });

  it('takes several users in one request and shows blocked ones with their reason', async () => {
    const posted = await requestInChannel(
      h,
      'transfer bob@contoso.com erin@contoso.com grace@contoso.com henry@fabrikam.com nobody@contoso.com frank@contoso.com mass move',
    );
    const text = cardText(posted.card);
    expect(text).toMatch(/Users to transfer \(1\)/);
    expect(text).toMatch(/bob@contoso.com/);
    expect(text).toMatch(/erin@contoso.com: Already transferred/);
    expect(text).toMatch(/grace@contoso.com: Cloud-native/);
    expect(text).toMatch(/henry@fabrikam.com: The UPN domain is federated/);
    expect(text).toMatch(/nobody@contoso.com: No such user/);
    expect(text).toMatch(/frank@contoso.com: Not currently synced/);
  });

  it('creates no request when no user is eligible, and says why', async () => {
    const before = h.connector.posts(CHANNEL.id).length;
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer erin@contoso.com grace@contoso.com', conversation: CHANNEL }),
    );
    const reply = await waitForText(h, /no request was created/);
    expect(reply).toMatch(/erin@contoso.com: Already transferred/);
    expect(reply).toMatch(/grace@contoso.com: Cloud-native/);
    expect(
      h.connector
        .posts(CHANNEL.id)
        .slice(before)
        .some((p) => p.activity.attachments?.length),
    ).toBe(false);
  });

  it('refuses a user that is already in an open request', async () => {
    const first = await requestInChannel(h, 'transfer carol@contoso.com first');
    expect(findRequestCard(h)?.requestId).toBe(first.requestId);
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer carol@contoso.com again', conversation: CHANNEL }));
    await waitForText(h, /carol@contoso.com: Already part of another open request/);
  });
});

describe('what the bot sent and logged during the flows above', () => {
  it('every card it posted or edited parses with the adaptivecards SDK at version ≤ 1.5, and no secret or token is in the logs', async () => {
    const h = await startBotHarness();
    try {
      const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: PAYLOAD-MARKER-42');
      await click(h, PEOPLE.amy, VERBS.approve, posted);
      await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
      const cards = h.connector.activities.flatMap((a) => a.activity.attachments ?? []).map((a) => a.content);
      expect(cards.length).toBeGreaterThanOrEqual(3);
      for (const card of cards) expect(cardProblems(card)).toEqual([]);
      const logText = h.logs.join('\n');
      expect(logText.length).toBeGreaterThan(1000);
      expect(logText).not.toContain(h.emulator.clientSecret);
      expect(logText).not.toMatch(/Bearer\s+ey/);
      expect(logText).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
      expect(logText).not.toContain('PAYLOAD-MARKER-42'); // message text is never logged
    } finally {
      await h.stop();
    }
  });
});

describe('duplicate deliveries', () => {
  it('the same command delivered twice (same or new activity id) creates one request', async () => {
    const h = await startBotHarness();
    try {
      const activity = messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: 'transfer alice@contoso.com reason: once',
        conversation: CHANNEL,
      });
      await Promise.all([h.send(activity), h.send(activity)]);
      await h.send({ ...activity, id: 'redelivered-with-new-id' });
      const reply = await waitForText(h, /This is the same as request SOA-/);
      const cards = h.connector.posts(CHANNEL.id).filter((p) => JSON.stringify(p.activity.attachments ?? []).includes('soa.refresh'));
      expect(cards).toHaveLength(1);
      expect(reply).toContain(findRequestCard(h)!.requestId);
      expect(await h.app.deps.requests.listByStatus(['pending'])).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });
});
