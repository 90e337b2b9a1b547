import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardTexts, markupProblems } from '../../property/markup-check';
import { CHANNEL, PEOPLE, VERBS, click, requestInChannel, waitForText } from '../bot/flow-helpers';

/**
 * Texts composed in app/ (decision notices, the requester's rejection notice, refusal reasons) quote
 * Teams display names and comments: a hostile `from.name` or comment is shown as text.
 */
const EVIL = ' [x](http://evil.example) <at>Rita</at> **y**';

describe('app texts quote names and comments as text', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.stop());

  it('decision notice and rejection message', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: names', { ...PEOPLE.rita, name: `Rita${EVIL}` });
    const response = await click(h, { ...PEOPLE.adam, name: `Adam${EVIL}` }, VERBS.reject, posted, CHANNEL, { comment: `no${EVIL}` });
    const notice = cardTexts(response.body.value)[0];
    expect(notice).toMatch(/Rejected by Adam/);
    expect(markupProblems(notice)).toEqual([]);
    const told = await waitForText(h, /was rejected by/);
    expect(markupProblems(told)).toEqual([]);
    expect(told).not.toMatch(/<at>/);
  });

  it('refusal reasons quote UPNs as text', async () => {
    await h.send(
      (await import('../../support/teams-activities')).messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: 'transfer grace@contoso.com reason: cloud-native',
        conversation: CHANNEL,
      }),
    );
    const text = await waitForText(h, /grace@contoso\.com/);
    expect(markupProblems(text, { allowListItems: true })).toEqual([]);
  });
});
