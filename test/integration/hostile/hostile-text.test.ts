import { syncedUser } from '../../../emulator/seeds/builders';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardProblems } from '../../support/card-validation';
import { ConversationSpec, installActivity, messageActivity } from '../../support/teams-activities';
import { CHANNEL, PEOPLE, VERBS, click, requestInChannel, waitForStatus, waitForText } from '../bot/flow-helpers';
import { cardTexts, markupProblems } from '../../property/markup-check';

/**
 * Display names from the directory and justifications/comments typed in Teams that contain Markdown,
 * HTML, `<at>` mentions or card JSON are shown as text in the request card, the outcome card, the
 * status answer and channel notifications: the markup checker finds nothing but our own admin-center
 * links and code spans, and no link leads anywhere else.
 */
const EVIL_NAME = '[Click me](http://evil.example) <at>Adam Approver</at> **boss** {{DATE(2017-02-14T06:08:39Z, SHORT)}} "},{"type":"Action.OpenUrl"';
const EVIL_USER = { id: '5d0a0009-0000-4000-8000-000000000201', userPrincipalName: 'mallory@contoso.com', displayName: EVIL_NAME };
const EVIL_REASON = 'see [docs](http://evil.example) &lt;at&gt;Amy&lt;/at&gt; ![x](http://evil.example/x.png) # not a heading `code` _it_ <b>bold</b>';
const TEAM_GENERAL: ConversationSpec = { kind: 'channel', id: '19:team@thread.tacv2', teamId: '19:team@thread.tacv2', channelId: '19:team@thread.tacv2' };

function expectTextOnly(texts: string[], options = {}) {
  for (const t of texts) {
    expect({ text: t, problems: markupProblems(t, options) }).toEqual({ text: t, problems: [] });
    expect(t).not.toMatch(/<at\b|<b>|\]\(http:\/\/evil/i);
  }
}

describe('hostile display names and justifications are shown as text', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { NOTIFY_CHANNEL_IDS: TEAM_GENERAL.id, NOTIFY_TRANSFERS: 'true' } });
    await h.send(installActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, conversation: TEAM_GENERAL }));
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.emulator.control.reset();
    h.emulator.control.setUser(syncedUser(EVIL_USER));
  });

  it('request card, outcome card and channel notifications', async () => {
    const posted = await requestInChannel(h, `transfer mallory@contoso.com alice@contoso.com reason: ${EVIL_REASON}`);
    const request = await h.app.deps.requests.get(posted.requestId);
    expect(request?.targets[0].preflight.displayName).toBe(EVIL_NAME);
    expect(request?.justification).toContain('<at>Amy</at>');
    expect(cardProblems(posted.card)).toEqual([]);
    expectTextOnly(cardTexts(posted.card));
    expect(JSON.stringify(posted.card)).not.toContain('Action.OpenUrl"}');

    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'completed');
    const outcome = await h.connector.waitFor(() =>
      h.connector.posts(CHANNEL.id).find((p) => p.activity.attachments?.some((a) => JSON.stringify(a.content).includes('Open the directory audit log'))),
    );
    expectTextOnly(cardTexts(outcome.activity.attachments![0].content as Record<string, unknown>));

    await h.app.runner.runDue();
    const note = await h.connector.waitFor(() =>
      h.connector.posts(TEAM_GENERAL.id).find((p) => (p.activity.text ?? '').includes(`${posted.requestId} requested`)),
    );
    expectTextOnly([note.activity.text!], { allowBold: true });
    expect(note.activity.text).toContain('\\[Click me\\]\\(http://evil.example\\)');
  });

  it('a rejection comment with markup is shown as text on the card', async () => {
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: comment test');
    const rejected = await click(h, PEOPLE.adam, VERBS.reject, posted, CHANNEL, { comment: '[approve here](http://evil.example) <at>Rita</at> **now**' });
    expect(rejected.status).toBe(200);
    // The first text is the notice (decision text, composed in app/decide-request.ts); the card itself follows.
    expectTextOnly(cardTexts(rejected.body.value).slice(1));
    await h.connector.waitFor(() => JSON.stringify(h.connector.latestCard(posted.activityId)).includes('Rejected by'));
    expectTextOnly(cardTexts(h.connector.latestCard(posted.activityId)));
  });

  it('`status` shows a hostile display name as text', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'status mallory@contoso.com', conversation: CHANNEL }));
    const text = await waitForText(h, /mallory@contoso\.com/);
    expectTextOnly([text], { allowBold: true, allowListItems: true });
  });
});
