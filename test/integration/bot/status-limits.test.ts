import { syncedUsers } from '../../../emulator/seeds/builders';
import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { PERSONAL, messageActivity } from '../../support/teams-activities';
import { waitForText } from './flow-helpers';

/**
 * `status`: a person may ask about as many users at once as they may put
 * in a request (MAX_USERS_PER_REQUEST, admins ADMIN_MAX_USERS_PER_REQUEST), refused before any user
 * is looked up; and the answer always fits in one Teams message (well under 28 KB), with the rest
 * as a signed CSV link, or, without links, a count of what was left out and how to see it.
 */
const USERS = syncedUsers(150, 'contoso.com', { start: 900 });
const TEAMS_MESSAGE_LIMIT = 28 * 1024;
const rita = PERSONAL(PEOPLE.rita);

const userLookups = (h: BotHarness) => h.emulator.control.calls().filter((c) => c.path === '/$batch' || /^\/users\/[^/]*@/.test(decodeURIComponent(c.path)));
const replySize = (h: BotHarness, pattern: RegExp) => {
  const post = h.connector.posts(rita.id).find((p) => pattern.test(p.activity.text ?? ''))!;
  return Buffer.byteLength(JSON.stringify(post.activity));
};

describe('status limits, with signed file links', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: {
        ADMIN_IDS: DEMO_IDS.users.amy,
        REQUESTER_IDS: DEMO_IDS.users.amy,
        PUBLIC_BASE_URL: 'https://soabot.example.test',
        FILE_LINK_SECRET: 'status-limits-test-secret-of-32-bytes-or-more',
      },
    });
    const demo = demoTenant();
    h.emulator.control.seed({ ...demo, users: [...(demo.users ?? []), ...USERS] });
  });
  afterAll(() => h.stop());

  it('refuses a requester asking about more users than MAX_USERS_PER_REQUEST, before looking any up', async () => {
    h.emulator.control.clearCalls();
    const upns = Array.from({ length: 3000 }, (_, i) => `someone${i}@contoso.com`).join(' ');
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: `status ${upns}`, conversation: rita }));
    expect(await waitForText(h, /That is 3000 users/, rita.id)).toMatch(/`status` shows at most 50 at a time/);
    expect(userLookups(h)).toEqual([]);
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: `status ${USERS.slice(0, 51)
          .map((u) => u.userPrincipalName)
          .join(' ')}`,
        conversation: rita,
      }),
    );
    expect(await waitForText(h, /That is 51 users/, rita.id)).toMatch(/at most 50/);
    expect(userLookups(h)).toEqual([]);
  });

  it('answers 50 users in one message under the Teams limit, with the rest as a signed CSV link', async () => {
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: `status ${USERS.slice(0, 50)
          .map((u) => u.userPrincipalName)
          .join(' ')}`,
        conversation: rita,
      }),
    );
    const reply = await waitForText(h, /of these 50 users/, rita.id);
    expect(replySize(h, /of these 50 users/)).toBeLessThan(TEAMS_MESSAGE_LIMIT - 2048);
    const shown = Number(/Showing (\d+) of these 50 users/.exec(reply)![1]);
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(50);
    expect(reply).toContain(USERS[0].userPrincipalName);
    expect(reply).not.toContain(USERS[49].userPrincipalName);
    const link = /\[[^\]]*\]\((https:\/\/soabot\.example\.test\/files\/[^)]+)\)/.exec(reply)![1];
    const csv = await (await fetch(link.replace('https://soabot.example.test', h.messagesUrl.replace('/api/messages', '')))).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^userPrincipalName,soaState,isCloudManaged/);
    expect(lines).toHaveLength(51);
    expect(csv).toContain(`${USERS[49].userPrincipalName},Synced from AD DS`);
  });

  it('lets an admin ask about up to ADMIN_MAX_USERS_PER_REQUEST users; the answer still fits one message', async () => {
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.amy,
        text: `status ${USERS.map((u) => u.userPrincipalName).join(' ')}`,
        conversation: PERSONAL(PEOPLE.amy),
      }),
    );
    const reply = await waitForText(h, /of these 150 users/, PERSONAL(PEOPLE.amy).id);
    expect(Buffer.byteLength(reply)).toBeLessThan(TEAMS_MESSAGE_LIMIT - 2048);
    expect(reply).toMatch(/Download all 150 as CSV/);
    // One stored report per person: a newer one replaces it, and the old link says so.
    const local = (text: string) =>
      /\((https:\/\/soabot\.example\.test\/files\/[^)]+)\)/.exec(text)![1].replace('https://soabot.example.test', h.messagesUrl.replace('/api/messages', ''));
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.amy,
        text: `status ${USERS.slice(0, 100)
          .map((u) => u.userPrincipalName)
          .join(' ')}`,
        conversation: PERSONAL(PEOPLE.amy),
      }),
    );
    const newer = await waitForText(h, /of these 100 users/, PERSONAL(PEOPLE.amy).id);
    expect((await fetch(local(reply))).status).toBe(410);
    const csv = await (await fetch(local(newer))).text();
    expect(csv.trim().split('\n')).toHaveLength(101);
  });
});

describe('status limits, without file links', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({});
    const demo = demoTenant();
    h.emulator.control.seed({ ...demo, users: [...(demo.users ?? []), ...USERS] });
  });
  afterAll(() => h.stop());

  it('says how many users were left out and how to see them', async () => {
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: `status ${USERS.slice(0, 50)
          .map((u) => u.userPrincipalName)
          .join(' ')}`,
        conversation: rita,
      }),
    );
    const reply = await waitForText(h, /of these 50 users/, rita.id);
    expect(replySize(h, /of these 50 users/)).toBeLessThan(TEAMS_MESSAGE_LIMIT - 2048);
    const shown = Number(/Showing (\d+) of these 50 users/.exec(reply)![1]);
    expect(reply).toContain(`${50 - shown} were left out`);
    expect(reply).toMatch(new RegExp(`ask again for at most ${shown} users at a time`));
    expect(reply).toContain(USERS[shown].userPrincipalName);
  });
});
