import { syncedUser } from '../../../emulator/seeds/builders';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForStatus, waitForText } from '../bot/flow-helpers';
import { markupProblems, cardTexts } from '../../property/markup-check';

/**
 * UPNs that are valid but special in URLs and OData go end to end: parser -> preflight (GET by UPN)
 * -> card -> approval -> PATCH by object id -> read-back -> audit search. Look-alike (non-ASCII) UPNs
 * are refused before any Graph call.
 */
const HOSTILE_USERS = [
  { id: '5d0a0009-0000-4000-8000-000000000101', userPrincipalName: "o'brien@contoso.com", displayName: "Liam O'Brien" },
  { id: '5d0a0009-0000-4000-8000-000000000102', userPrincipalName: '50%off@contoso.com', displayName: 'Percent Person' },
  { id: '5d0a0009-0000-4000-8000-000000000103', userPrincipalName: "$svc.o'neil@contoso.com", displayName: 'Dollar Service' },
  { id: '5d0a0009-0000-4000-8000-000000000104', userPrincipalName: 'jane_fabrikam.com#EXT#@contoso.com', displayName: 'Jane Guest' },
];

describe('hostile UPNs end to end', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.emulator.control.reset();
    for (const u of HOSTILE_USERS) h.emulator.control.setUser(syncedUser(u));
    h.emulator.control.clearCalls();
  });

  it("transfers O'Brien, a % UPN, a $-UPN with a quote and an #EXT# UPN, each encoded correctly on every Graph call", async () => {
    const upns = HOSTILE_USERS.map((u) => u.userPrincipalName);
    const posted = await requestInChannel(h, `transfer ${upns.join(' ')} reason: hostile UPNs`);
    const request = await h.app.deps.requests.get(posted.requestId);
    expect(request?.targets.map((t) => t.preflight.upn)).toEqual(upns);
    expect(request?.blocked).toEqual([]);

    const gets = h.emulator.control
      .calls()
      .filter((c) => c.method === 'GET' && c.path.startsWith('/users') && !c.path.includes('/', '/users/'.length) && c.status === 200);
    const paths = gets.map((c) => c.path);
    expect(paths).toContain("/users/o'brien@contoso.com");
    expect(paths).toContain('/users/50%25off@contoso.com');
    expect(paths).toContain("/users('$svc.o''neil@contoso.com')");
    expect(paths).toContain('/users/jane_fabrikam.com%23EXT%23@contoso.com');
    // No call was answered 400 (a mis-encoded key) or 404 (a truncated one).
    expect(h.emulator.control.calls().filter((c) => c.status === 400 || c.status === 404)).toEqual([]);

    // The card shows each UPN as text, and the markup checker finds nothing but our links.
    for (const t of cardTexts(posted.card)) expect(markupProblems(t)).toEqual([]);
    expect(cardText(posted.card)).toContain("O'Brien");

    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'completed');
    for (const u of HOSTILE_USERS) {
      expect(soaPatches(h, u.id)).toHaveLength(1);
      expect(h.emulator.control.getUser(u.id)?.isCloudManaged).toBe(true);
    }
    // The audit search (filtered by each object id) finds every record; it is over before the next
    // test resets the tenant, so no search of this request's is still running when those count calls.
    h.clock.advance(1_000); // past AUDIT_LOOKUP_FIRST_DELAY on the bot's clock, which moves only when the test moves it
    const audit = await waitForText(h, /Audit records for/);
    expect(audit.match(/"Change Source of Authority from AD to cloud"/g)).toHaveLength(HOSTILE_USERS.length);
  });

  it("answers `status` for O'Brien and the $-UPN", async () => {
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: "status o'brien@contoso.com $svc.o'neil@contoso.com", conversation: CHANNEL }),
    );
    const text = await waitForText(h, /Liam O'Brien/);
    expect(text).toMatch(/Dollar Service/);
    expect(markupProblems(text, { allowBold: true, allowListItems: true })).toEqual([]);
  });

  it('refuses look-alike UPNs (Cyrillic а in contoso) with a plain-ASCII hint and calls Graph for nothing', async () => {
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer alice@cont\u043eso.com reason: homoglyph', conversation: CHANNEL }),
    );
    const text = await waitForText(h, /Look-alike characters/);
    expect(text).toMatch(/type the user principal name in plain ASCII/);
    expect(h.emulator.control.calls().filter((c) => c.version !== null)).toEqual([]);
  });

  it('refuses an over-long UPN with the limit, echoing at most 60 characters', async () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(60)}.com`;
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: `transfer ${long}`, conversation: CHANNEL }));
    const text = await waitForText(h, /too long for a user principal name/);
    expect(text).not.toContain(long);
    expect(h.emulator.control.calls().filter((c) => c.version !== null)).toEqual([]);
  });
});
