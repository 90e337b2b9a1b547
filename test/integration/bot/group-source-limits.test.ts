import { BULK_GROUP_ID, withSyncedUsers } from '../../../emulator/seeds/builders';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, waitForText } from './flow-helpers';

/**
 * `transfer members of <group>` under MAX_USERS_PER_REQUEST: a requester naming a group far larger than
 * their limit must not make the bot read the whole member list first (a 200,000-member group would be
 * 200 Graph calls per message, 60 messages a minute, drawing on the budget running waves share). The
 * list is read only as far as the limit allows.
 */
describe('transfer members of a group larger than the sender may request', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { MAX_USERS_PER_REQUEST: '50' } });
    h.emulator.control.seed(withSyncedUsers(demoTenant(), 3000, 'contoso.com', { groupName: 'All staff', start: 20_000 }));
  });
  afterAll(() => h.stop());

  const memberListCalls = () => h.emulator.control.calls().filter((c) => c.method === 'GET' && c.path.includes(`/groups/${BULK_GROUP_ID}/members`));

  it('is refused after reading no more of the member list than the limit needs', async () => {
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: `transfer members of ${BULK_GROUP_ID} reason: everyone`, conversation: CHANNEL }),
    );
    const answer = await waitForText(h, /users; one request can hold at most 50/);
    expect(answer).toMatch(/more than 50 users/);
    // One page (of at most 999 members) tells that the group is over the limit; the other 2,000+ members are not read.
    expect(memberListCalls()).toHaveLength(1);
    expect(await h.app.deps.requests.listByStatus(['pending'], 10)).toEqual([]);
  });
});
