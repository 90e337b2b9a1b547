import { bulkUserUpn, withSyncedUsers } from '../../../emulator/seeds/builders';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { ConversationSpec, installActivity, messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE } from './flow-helpers';
import { waitUntil } from '../../support/wait-until';

const SECURITY: ConversationSpec = {
  kind: 'channel',
  id: '19:security@thread.tacv2',
  teamId: '19:security@thread.tacv2',
  channelId: '19:security@thread.tacv2',
};
/** Teams refuses a message over about 28 KB (the whole activity): such a notification would never arrive. */
const TEAMS_MESSAGE_LIMIT = 28 * 1024;

/**
 * A channel in NOTIFY_CHANNEL_IDS cannot be turned off from chat. Nor may a large
 * request silence it by size: a notification naming every user of a request of hundreds is refused by
 * Teams, retried for ever and never read. Each notification must fit one Teams message.
 */
describe('notifications of large requests', () => {
  let h: BotHarness;
  const USERS = 400;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { NOTIFY_CHANNEL_IDS: SECURITY.id, NOTIFY_TRANSFERS: 'true', ADMIN_IDS: DEMO_IDS.users.ben, REQUESTER_IDS: DEMO_IDS.users.ben },
    });
    h.emulator.control.seed(withSyncedUsers(demoTenant(), USERS, 'contoso.com', { start: 40_000 }));
    await h.send(installActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, conversation: SECURITY }));
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
  });
  afterAll(() => h.stop());

  it("an admin's request of 400 users is announced in one message that Teams accepts, saying how many users it leaves out", async () => {
    const upns = Array.from({ length: USERS }, (_, i) => bulkUserUpn(40_000 + i, 'contoso.com'));
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: `transfer ${upns.join(' ')} reason: mass change`, conversation: CHANNEL }),
    );
    const request = await waitUntil(
      async () => (await h.app.deps.requests.listByStatus(['pending'], 10)).find((r) => r.justification === 'mass change' && r.cards.length > 0),
      'the request of 400 users',
      20_000,
      () => h.connector.texts(CHANNEL.id).slice(-1),
    );
    await h.app.runner.runDue();
    const note = await h.connector.waitFor(() => h.connector.posts(SECURITY.id).find((p) => (p.activity.text ?? '').includes(request.id)), 20_000);
    expect(note.activity.text).toMatch(new RegExp(`Transfer ${request.id} requested`));
    expect(Buffer.byteLength(JSON.stringify(note.activity))).toBeLessThan(TEAMS_MESSAGE_LIMIT);
    expect(note.activity.text).toMatch(/and \d+ more/);
    expect(note.activity.text).toContain(bulkUserUpn(40_000, 'contoso.com'));
  });
});
