import { BotHarness } from '../../support/bot-harness';
import { PERSONAL } from '../../support/teams-activities';
import { cardText } from '../../support/card-text';
import { CHANNEL, PEOPLE, VERBS, click, requestInChannel } from './flow-helpers';
import { postsMatching, sayHello, setClock, startFlowHarness, stopBackgroundJobs } from './approval-flow-support';

describe('reminders with quiet hours, expiry warning, restarts', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startFlowHarness({
      REMINDER_AFTER: '4h',
      REMINDER_EVERY: '4h',
      REMINDER_QUIET_HOURS: '20-08',
      REMINDER_TIME_ZONE: 'Europe/London',
      EXPIRY_WARNING_BEFORE: '24h',
      APPROVAL_TTL: '72h',
      APPROVALS_REQUIRED: '2',
    });
  });
  afterAll(() => h.stop());

  it('reminds the approvers who have not decided at 4 h, moves the next out of the night, warns the requester, never twice across a restart', async () => {
    // Monday 7 December 2026, 15:00 in London (UTC in winter).
    setClock(h, '2026-12-07T15:00:00.000Z');
    await sayHello(h, PEOPLE.adam);
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: reminders');
    await stopBackgroundJobs(h);
    const reminders = () => postsMatching(h, new RegExp(`^Reminder: request ${posted.requestId}`), CHANNEL.id);

    setClock(h, '2026-12-07T18:59:00.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(0);

    // The test clock runs on from where it is set: the request was made a few ms after 15:00.
    setClock(h, '2026-12-07T19:00:01.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
    const first = reminders()[0];
    // Adam wrote to the bot: mentioned by his MRI; Amy never did and is not in the roster: named nowhere.
    expect(first.text).toContain('<at>Adam Approver</at>');
    expect(first.entities).toEqual([expect.objectContaining({ type: 'mention', mentioned: { id: PEOPLE.adam.mri, name: 'Adam Approver' } })]);
    // Adam also gets the card in his personal chat: one post, the reminder line above the card.
    const personal = h.connector.posts(PERSONAL(PEOPLE.adam).id).filter((p) => /^Reminder: request/.test(p.activity.text ?? ''));
    expect(personal).toHaveLength(1);
    expect(personal[0].activity.text).toBe(`Reminder: request ${posted.requestId} is waiting for your decision.`);
    expect(JSON.stringify(personal[0].activity.attachments ?? [])).toContain(posted.requestId);

    // 23:00 is in the quiet hours: nothing until 08:00 the next morning.
    setClock(h, '2026-12-07T23:30:00.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
    expect(await h.app.deps.jobs.nextRunAt()).toBe('2026-12-08T08:00:00.000Z');

    // A restart (a new process on the same database) sends nothing again.
    await h.restart();
    await stopBackgroundJobs(h);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);

    setClock(h, '2026-12-08T08:00:00.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(2);

    // The requester is warned 24 h before the expiry (Thursday 15:00), once.
    setClock(h, '2026-12-09T15:00:01.000Z');
    await h.app.runner.runDue();
    await h.app.runner.runDue();
    const warnings = postsMatching(h, new RegExp(`request ${posted.requestId} expires in about 24 h`), CHANNEL.id);
    expect(warnings).toHaveLength(1);
    const events = (await h.app.deps.requests.events(posted.requestId)).map((e) => e.type);
    expect(events.filter((t) => t === 'approval.reminded').length).toBeGreaterThanOrEqual(2);
    expect(events).toContain('request.expiry-warned');
  });

  it('a decided approver is no longer reminded, one found in the roster is mentioned, and a weekend reminder waits for Monday', async () => {
    h.app.runner.start();
    // Amy never wrote to the bot: the roster of the approvals conversation knows her.
    h.connector.roster.set(PEOPLE.amy.aadObjectId, { id: '29:amy-from-roster', name: 'Amy Approver', aadObjectId: PEOPLE.amy.aadObjectId });
    setClock(h, '2026-12-11T15:00:00.000Z'); // Friday
    const lookupsBefore = h.connector.memberLookups.length;
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: weekend');
    // Both approvers see their buttons without asking: Adam (met) and Amy (from the roster) are in refresh.userIds.
    expect(posted.card.refresh.userIds.sort()).toEqual([PEOPLE.adam.mri, '29:amy-from-roster'].sort());
    expect(h.connector.memberLookups.slice(lookupsBefore)).toEqual([PEOPLE.amy.aadObjectId]);
    const first = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(first.body.value)).toMatch(/1 of 2/);
    await stopBackgroundJobs(h);
    setClock(h, '2026-12-11T19:00:01.000Z');
    await h.app.runner.runDue();
    const reminders = () => postsMatching(h, new RegExp(`^Reminder: request ${posted.requestId}`), CHANNEL.id);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0].text).not.toContain('Adam');
    expect(reminders()[0].entities).toEqual([expect.objectContaining({ mentioned: { id: '29:amy-from-roster', name: 'Amy Approver' } })]);
    // Kept durably: the next lookup of Amy needs no roster call.
    expect(await h.app.deps.conversations.personByAadObjectId(PEOPLE.amy.aadObjectId)).toMatchObject({ mri: '29:amy-from-roster' });
    // Friday 23:00 is quiet, Saturday and Sunday are skipped: Monday 08:00 London time.
    setClock(h, '2026-12-12T12:00:00.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
    setClock(h, '2026-12-14T07:59:00.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
    setClock(h, '2026-12-14T08:00:01.000Z');
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(2);
  });
});
