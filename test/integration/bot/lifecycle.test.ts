import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { messageActivity } from '../../support/teams-activities';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { EXPIRY_RECHECK_DONE } from '../../../src/app/expire-request';
import {
  CHANNEL,
  DEMO_IDS,
  PEOPLE,
  VERBS,
  click,
  findRequestCard,
  requestInChannel,
  soaPatches,
  waitForAuditVisible,
  waitForStatus,
  waitForText,
  waitUntilSettled,
} from './flow-helpers';

describe('expiry and restarts', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { APPROVAL_TTL: '2h', AUDIT_LOOKUP_TIMEOUT: '20m', AUDIT_LOOKUP_FIRST_DELAY: '1s' } });
  });
  afterAll(() => h.stop());

  it('expires an unapproved request: the card says Expired, the requester is told, a late approval changes nothing', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: expiry');
    h.clock.advance(2 * 3600_000 + 1000);
    await h.app.runner.runDue();
    await h.connector.waitFor(() => /Expired/.test(cardText(h.connector.latestCard(posted.activityId))));
    const told = await waitForText(h, new RegExp(`request ${posted.requestId} expired`));
    expect(told).toContain('Rita Requester');

    const late = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(late.body.value)).toMatch(/no longer waiting for approval \(it is expired\)/);
    expect(soaPatches(h)).toHaveLength(0);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('expired');
  });

  it('a click after the expiry time but before the expiry job ran is refused and expires the request', async () => {
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: expiry race');
    await h.app.runner.stop();
    h.clock.advance(2 * 3600_000 + 1000);
    const late = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(late.body.value)).toMatch(/has expired/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('expired');
    expect(soaPatches(h)).toHaveLength(0);
    await h.restart();
  });

  it('a rollback left waiting for the safeguard step expires: card, requester, event, users freed; a late confirmation is refused', async () => {
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com reason: safeguard never confirmed');
    const approved = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(approved.body.value)).toMatch(/waiting for the safeguard step/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('awaiting-safeguard');

    // The expiry is a durable job: the bot is down when it falls due, and does it after the restart.
    await h.app.runner.stop();
    h.clock.advance(2 * 3600_000 + 1000);
    await h.restart();
    await h.app.runner.runDue();
    await waitForStatus(h, posted.requestId, 'expired');
    await h.connector.waitFor(() => /Expired/.test(cardText(h.connector.latestCard(posted.activityId))));
    const told = await waitForText(h, new RegExp(`request ${posted.requestId} expired before the safeguard step was confirmed`));
    expect(told).toContain('Rita Requester');
    expect(told).toMatch(/Nothing was changed/);

    // A confirmation arriving afterwards is refused as expired, and nothing runs.
    const late = await click(h, PEOPLE.amy, VERBS.confirmSafeguard, { ...posted, version: posted.version + 1 });
    expect(cardText(late.body.value)).toMatch(/has expired/);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('expired');

    // Idempotent: more runs and another restart record and say nothing more.
    await h.app.runner.runDue();
    await h.restart();
    await h.app.runner.runDue();
    const expiredEvents = (await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'request.expired');
    expect(expiredEvents).toHaveLength(1);
    expect(expiredEvents[0].data).toMatchObject({ from: 'awaiting-safeguard' });
    expect(h.connector.texts(CHANNEL.id).filter((t) => t.includes(`request ${posted.requestId} expired`))).toHaveLength(1);
    expect(soaPatches(h, DEMO_IDS.users.ivan)).toHaveLength(0);

    // The user is free again: a new rollback request takes him.
    const again = await requestInChannel(h, 'rollback ivan@contoso.com reason: second attempt');
    expect(cardText(again.card)).toMatch(/Users to roll back \(1\)/);
  });

  it('a rollback stuck in awaiting-safeguard from before the fix (its expiry job already done) expires after the next start', async () => {
    // ivan is on the pending request made at the end of the previous test.
    const posted = findRequestCard(h)!;
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('awaiting-safeguard');
    await h.app.runner.stop();
    // The state the old code left: the expire job ran at the deadline, did nothing, and was completed.
    const later = new Date(h.clock.now().getTime() + 3 * 3600_000).toISOString();
    const claimed = await h.app.deps.jobs.claimDue(later, 1000, 1000);
    const expireJob = claimed.find((j) => j.kind === 'expire' && j.requestId === posted.requestId)!;
    await h.app.deps.jobs.complete(expireJob.id);
    // ...and, being older than the one-off re-check, it never ran that re-check on this database.
    await h.app.deps.settingsStore.set(EXPIRY_RECHECK_DONE, { value: 'false', updatedAt: h.clock.now().toISOString(), updatedBy: null });
    h.clock.advance(2 * 3600_000 + 1000);

    await h.restart();
    await h.app.runner.runDue();
    await waitForStatus(h, posted.requestId, 'expired');
    await waitForText(h, new RegExp(`request ${posted.requestId} expired before the safeguard step was confirmed`));
  });

  it('an approval recorded just before a restart is executed once after it, and the card still works after restart', async () => {
    const posted = await requestInChannel(h, 'transfer carol@contoso.com reason: restart');
    await h.restart();
    // An approval clicked after a restart works (everything is loaded from the database).
    await h.app.runner.stop(); // the "crash" comes right after the approval is stored, before execution
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('approved');
    expect(soaPatches(h, DEMO_IDS.users.carol)).toHaveLength(0);

    await h.restart();
    await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(soaPatches(h, DEMO_IDS.users.carol)).toHaveLength(1);
    await h.restart();
    await h.app.runner.runDue();
    expect(soaPatches(h, DEMO_IDS.users.carol)).toHaveLength(1);
  });

  it('a crash after the PATCH intent was stored is reconciled by reading back, not by patching again', async () => {
    const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: crash mid-way');
    await h.app.runner.stop();
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    // Simulate the state a crash leaves: intent recorded, PATCH landed, outcome never written.
    const stored = (await h.app.deps.requests.get(posted.requestId))!;
    const attemptedAt = new Date().toISOString();
    const midway = {
      ...stored,
      status: 'executing' as const,
      version: stored.version + 1,
      targets: stored.targets.map((t) => ({ ...t, execution: { outcome: 'in-progress' as const, attemptedAt } })),
    };
    await h.app.deps.requests.update(midway, stored.version, []);
    h.emulator.control.setUser({ id: DEMO_IDS.users.dave, isCloudManaged: true, onPremisesSyncEnabled: null });
    h.emulator.control.clearCalls();

    await h.restart();
    const outcome = await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(outcome).toMatch(/1 done/);
    expect(soaPatches(h)).toHaveLength(0);
  });

  it('a crash after the intent was stored but before the PATCH left: it waits for a late PATCH, then patches once', async () => {
    const [user] = syncedUsers(1, 'contoso.com', { start: 950 });
    h.emulator.control.setUser(user);
    const posted = await requestInChannel(h, `transfer ${user.userPrincipalName} reason: crash before the PATCH left`);
    await h.app.runner.stop();
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    // The state such a crash leaves: intent recorded, nothing sent, so the user still reads as synced.
    const stored = (await h.app.deps.requests.get(posted.requestId))!;
    const attemptedAt = h.clock.now().toISOString();
    const midway = {
      ...stored,
      status: 'executing' as const,
      version: stored.version + 1,
      targets: stored.targets.map((t) => ({ ...t, execution: { ...t.execution, outcome: 'in-progress' as const, attemptedAt } })),
    };
    await h.app.deps.requests.update(midway, stored.version, []);
    h.emulator.control.clearCalls();

    await h.restart();
    await h.app.runner.stop(); // only the explicit runDue calls below run jobs (stop waits for a run in flight)
    await h.app.runner.runDue();
    // Within the settle time a PATCH from before the crash could still land: nothing is sent yet.
    expect(soaPatches(h, user.id)).toHaveLength(0);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('executing');

    h.clock.advance(h.app.deps.settings.patchSettleMs + 1000);
    await h.app.runner.runDue();
    const outcome = await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(outcome).toMatch(/1 done/);
    expect(soaPatches(h, user.id)).toHaveLength(1);
    expect(h.emulator.control.getUser(user.id)?.isCloudManaged).toBe(true);
  });
});

describe('audit record search', () => {
  // Its own bot: the audit records carry real time, so this clock must not have been moved by hours.
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { AUDIT_LOOKUP_TIMEOUT: '20m', AUDIT_LOOKUP_FIRST_DELAY: '1s' } });
  });
  afterAll(() => h.stop());

  it('an audit search in progress resumes after a restart and reports when the record appears', async () => {
    h.emulator.control.setAuditDelay(1500); // the record shows up 1.5 s (real time) after the change
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: audit resume');
    // alice expired earlier, so she can be requested again
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    h.clock.advance(2000);
    await h.app.runner.runDue();
    expect((await h.app.deps.requests.get(posted.requestId))!.targets[0].audit.status).toBe('searching');

    await h.restart();
    await waitForAuditVisible(h, [(await h.app.deps.requests.get(posted.requestId))!.targets[0].preflight.userId!], 1500);
    h.clock.advance(60_000);
    await h.app.runner.runDue();
    const audit = await waitForText(h, new RegExp(`Audit records for ${posted.requestId}`));
    expect(audit).toMatch(/Change Source of Authority/);
    expect((await h.app.deps.requests.get(posted.requestId))!.targets[0].audit.status).toBe('found');
  });

  it('says the audit record is still missing when the search window ends', async () => {
    h.emulator.control.setAuditDelay(24 * 60 * 60_000);
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: audit missing');
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    h.clock.advance(21 * 60_000);
    await h.app.runner.runDue();
    const audit = await waitForText(h, new RegExp(`Audit records for ${posted.requestId}`));
    expect(audit).toMatch(/no audit record yet/);
    expect((await h.app.deps.requests.get(posted.requestId))!.targets[0].audit.status).toBe('missing');
  });
});

describe('conversations, status and help', () => {
  let h: BotHarness;
  const APPROVALS_CHANNEL = '19:approvals@thread.tacv2';
  beforeAll(async () => {
    h = await startBotHarness({ env: { APPROVAL_CHANNEL_ID: APPROVALS_CHANNEL } });
  });
  afterAll(() => h.stop());

  const personal = { kind: 'personal' as const, id: 'a:rita-personal' };

  it('refuses a personal-chat request while no approvals channel is known, with instructions', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer alice@contoso.com reason: dm', conversation: personal }));
    const reply = await waitForText(h, /no approvals channel is known/, personal.id);
    expect(reply).toMatch(/APPROVAL_CHANNEL_ID/);
    expect(h.connector.posts(APPROVALS_CHANNEL)).toHaveLength(0);
  });

  it('carries a personal-chat request to the approvals channel and keeps a status card in the chat', async () => {
    // The bot learns the channel when someone addresses it there.
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer alice@contoso.com reason: dm', conversation: personal }));
    const approvalPost = await h.connector.waitFor(() => h.connector.posts(APPROVALS_CHANNEL).find((p) => p.activity.attachments?.length));
    const statusPost = await h.connector.waitFor(() => h.connector.posts(personal.id).find((p) => p.activity.attachments?.length));
    await waitForText(h, /was sent to the approvals channel/, personal.id);
    const id = JSON.stringify(approvalPost.activity.attachments![0].content).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/)!;
    expect(JSON.stringify(statusPost.activity.attachments![0].content)).toContain(id[1]);

    const channelConversation = { kind: 'channel' as const, id: APPROVALS_CHANNEL, teamId: CHANNEL.teamId, channelId: APPROVALS_CHANNEL };
    await click(h, PEOPLE.adam, VERBS.approve, { requestId: id[1], version: Number(id[2]), activityId: approvalPost.activityId }, channelConversation);
    await waitForText(h, new RegExp(`Transfer ${id[1]}: completed`), personal.id);
    await h.connector.waitFor(() => /Completed/.test(cardText(h.connector.latestCard(statusPost.activityId))));
    await h.connector.waitFor(() => /Completed/.test(cardText(h.connector.latestCard(approvalPost.activityId))));
  });

  it('status shows the SOA state and on-premises attributes without any approval', async () => {
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: 'status bob@contoso.com frank@contoso.com grace@contoso.com nobody@contoso.com',
        conversation: personal,
      }),
    );
    const reply = await waitForText(h, /bob@contoso.com/, personal.id);
    expect(reply).toMatch(/Synced from AD DS/);
    expect(reply).toMatch(/onPremisesImmutableId: \S+/);
    expect(reply).toMatch(/onPremisesSamAccountName: bob/);
    expect(reply).toMatch(/Rolled back, waiting for the next sync cycle/);
    expect(reply).toMatch(/Cloud-native/);
    expect(reply).toMatch(/nobody@contoso.com\*\*: Not found/);
  });

  it('help lists the commands; bad input gets a specific error with the usage line', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: 'HELP', conversation: personal }));
    expect(await waitForText(h, /transfer <upn>/, personal.id)).toMatch(/password authentication/);
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer alice@ reason', conversation: personal }));
    expect(await waitForText(h, /not a valid user principal name/, personal.id)).toMatch(/Usage:/);
  });

  it('refuses requests from people who are not requesters, and status to bystanders', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: 'transfer dave@contoso.com', conversation: CHANNEL }));
    await waitForText(h, /not allowed to request/);
  });

  it('ignores activities from a tenant that is not allowed', async () => {
    const outsider = { kind: 'personal' as const, id: 'a:outsider' };
    const response = await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: 'help',
        conversation: outsider,
        tenantId: '99999999-9999-9999-9999-999999999999',
      }),
    );
    expect(response.status).toBeLessThan(300);
    await waitUntilSettled(h);
    expect(h.connector.posts(outsider.id)).toHaveLength(0);
    expect(await h.app.deps.conversations.get(outsider.id)).toBeNull();
    expect(h.logs.some((l) => l.includes('not allowed: ignored'))).toBe(true);
  });
});
