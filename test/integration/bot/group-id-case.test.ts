import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, requestInChannel, soaPatches } from './flow-helpers';

/**
 * Group ids are GUIDs: the same group whatever their case. Graph does not promise in which case
 * checkMemberGroups answers (the strings asked, or the directory's own form), so the bot must compare
 * them without regard to case on every path. Here the Graph stand-in answers with each group's id as it
 * stores it (upper case), while the bot asks in lower case.
 */
const PROTECTED = '5D0A0003-0000-4000-8000-00000000C0A1';
const BREAK_GLASS = '5D0A0003-0000-4000-8000-00000000C0A2'; // nested in PROTECTED
const OPS_REQUESTERS = '5D0A0003-0000-4000-8000-00000000C0A3';

describe('group ids answered by Graph in another case', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { PROTECTED_GROUP_IDS: PROTECTED, REQUESTER_IDS: DEMO_IDS.users.rita, REQUESTER_GROUP_ID: OPS_REQUESTERS.toLowerCase() },
    });
    const demo = demoTenant();
    h.emulator.control.seed({
      ...demo,
      groups: [
        ...(demo.groups ?? []),
        { id: PROTECTED, displayName: 'Tier 0 accounts', members: [BREAK_GLASS] },
        { id: BREAK_GLASS, displayName: 'Break-glass accounts', members: [DEMO_IDS.users.alice] },
        { id: OPS_REQUESTERS, displayName: 'Ops requesters', members: [DEMO_IDS.users.ben] },
      ],
    });
    h.emulator.control.setBehaviour({ checkMemberGroupsIds: 'as-stored' });
  });
  afterAll(() => h.stop());

  it('a one-user transfer of a break-glass account (nested in a protected group) is refused, and nothing is written', async () => {
    const before = h.connector.posts(CHANNEL.id).length;
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer alice@contoso.com reason: case test', conversation: CHANNEL }),
    );
    // The bot answers with a text (refused) or an approval card (a request was created).
    const answer = await h.connector.waitFor(() =>
      h.connector
        .posts(CHANNEL.id)
        .slice(before)
        .find((p) => p.activity.text || p.activity.attachments?.length),
    );
    expect(answer.activity.attachments ?? []).toEqual([]);
    expect(answer.activity.text).toMatch(/protected account/i);
    expect(await h.app.deps.requests.listByStatus(['pending'], 100)).toEqual([]);
    expect(soaPatches(h, DEMO_IDS.users.alice)).toHaveLength(0);
  });

  it('a member of the requesters group (stored in upper case) may request', async () => {
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: case test 2', PEOPLE.ben);
    expect(posted.requestId).toMatch(/^SOA-/);
  });
});
