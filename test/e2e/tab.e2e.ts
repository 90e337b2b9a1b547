import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { DEMO_IDS, ROLE_TEMPLATES } from '../../emulator';
import { DemoPerson, PLAYGROUND_IDS, PLAYGROUND_TAB_APP_ID } from '../../scripts/playground';
import { VERBS } from '../../src/cards/action-data';
import { cardText } from '../support/card-text';
import { waitUntil } from '../support/wait-until';
import { E2eStack, startE2eStack, itWithLogs } from './support/e2e-stack';
import { chromiumMissing, launchChromium } from './support/browser';
import { PlaygroundClient, cardOf, executeActions } from './support/playground-client';

/**
 * The personal tab end to end: the built bot (serving /tab/ and /api/tab/), the Graph emulator, Rita's
 * Agents Playground for the chat side, and the local Teams host page (scripts/playground/tab-host) that
 * iframes the real tab bundle and signs a demo person in with a token from the emulator's Entra. Headless
 * chromium through playwright-core. Screenshots (desktop and mobile, light and dark) go to
 * test/e2e/artifacts/tab/screenshots/; an axe-core scan finds no serious or critical violation.
 * Every answer comes from the real server (no browser-stubbed API); SAFEGUARD_SWITCH=obo is on, with Adam a
 * Global Administrator in the emulated tenant (as test/integration/bot/safeguard-switch.test.ts sets up).
 */

jest.setTimeout(90_000);

const missing = chromiumMissing();
const describeIfChromium = (missing ? () => undefined : describe) as typeof describe;
if (missing) {
  it('needs Debian chromium (apt-get install -y chromium)', () => {
    throw new Error(missing);
  });
}

const CHANNEL = PLAYGROUND_IDS.approvalsChannel.id;
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const LOCAL = new Set(['localhost', '127.0.0.1']);
const TEAMS_APP_ID = '0c0ffee0-0000-4000-8000-00000000e2e1';
const TAB_SECRET = 'tab-client-secret-for-e2e';

describeIfChromium('the personal tab in a local Teams host (headless chromium)', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let rita: PlaygroundClient;
  let shotsDir: string;
  let requestId = '';
  let cardMessageId = '';
  const contexts: BrowserContext[] = [];
  const blocked: string[] = [];
  const started = Date.now();
  const it2 = itWithLogs(() => e2e);

  beforeAll(async () => {
    e2e = await startE2eStack('tab', { people: ['rita', 'adam'], botEnv: { SAFEGUARD_SWITCH: 'obo', TAB_CLIENT_SECRET: TAB_SECRET, TEAMS_APP_ID } });
    // The tab app may act on behalf of a signed-in person; Adam is a Global Administrator, Rita is not.
    e2e.stack.emulator.control.setDelegatedApps([
      { clientId: PLAYGROUND_TAB_APP_ID, clientSecret: TAB_SECRET, consentedScopes: ['OnPremDirectorySynchronization.ReadWrite.All'] },
    ]);
    e2e.stack.emulator.control.setRoleAssignments([{ principalId: DEMO_IDS.users.adam, roleDefinitionId: ROLE_TEMPLATES.globalAdministrator, kind: 'active' }]);
    rita = e2e.client('rita');
    shotsDir = path.join(e2e.dir, 'screenshots');
    fs.mkdirSync(shotsDir, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await e2e?.stop();
    fs.appendFileSync(path.join(e2e?.dir ?? '.', 'stack.log'), `tab suite took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  /** The host page as `person`; resolves with the tab's frame once the tab has signed in. */
  async function openTab(
    person: DemoPerson,
    options: { theme?: 'default' | 'dark'; width?: number; height?: number; subEntityId?: string } = {},
  ): Promise<{ page: Page; tab: Frame }> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
    contexts.push(context);
    context.setDefaultTimeout(20_000);
    // Nothing outside this machine: the bundle must not need a CDN (teams-js's origin list falls back offline).
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (LOCAL.has(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      blocked.push(url.origin);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(e2e.stack.tabHost.pageUrl(person, options.theme ?? 'default', options.subEntityId));
    const frame = await waitForTabFrame(page);
    await frame
      .getByText(/Signed in as|You have no role/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    return { page, tab: frame };
  }

  function waitForTabFrame(page: Page): Promise<Frame> {
    return waitUntil(() => page.frames().find((f) => new URL(f.url(), 'http://x').pathname === '/tab/'), 'the tab frame to load', 10_000);
  }

  let shots = 0;
  async function shot(page: Page, name: string): Promise<void> {
    shots += 1;
    await page.screenshot({ path: path.join(shotsDir, `${String(shots).padStart(2, '0')}-${name}.png`), fullPage: true });
  }

  /** A direct API call as a person (the token from the same Entra stand-in the host page uses). */
  async function apiAs(person: DemoPerson, urlPath: string): Promise<{ status: number; text: string; json: any }> {
    const token = e2e.stack.emulator.userTokens.mint({
      audience: PLAYGROUND_TAB_APP_ID,
      oid: DEMO_IDS.users[person],
      name: person,
      upn: `${person}@contoso.com`,
    });
    const response = await fetch(`${e2e.stack.botUrl}${urlPath}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, text, json };
  }

  async function axeScan(tab: Frame, what: string): Promise<void> {
    // evaluate() runs through the debugger protocol: the tab's CSP (script-src 'self') stays on.
    await tab.evaluate(AXE_SOURCE);
    const result: { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] } = await tab.evaluate(
      // Fluent UI's focus manager (tabster) adds aria-hidden <i tabindex=0 data-tabster-dummy> sentinels that pass
      // focus on at once; axe reports them as focusable hidden content, a known false positive of Fluent v9.
      "window.axe.run({ exclude: [['[data-tabster-dummy]']] }, { resultTypes: ['violations'] })",
    );
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    fs.writeFileSync(path.join(e2e.dir, `axe-${what}.json`), JSON.stringify(result.violations, null, 2));
    expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  it2(
    'Rita (requester) makes a request in the tab (form, preflight table, submit); a double click makes one request; its card is in the approvals channel',
    async () => {
      const { page, tab } = await openTab('rita');
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/tab/requests') posts.push(r.postData() ?? '');
      });
      await tab.getByRole('tab', { name: 'New request' }).click();
      await tab.getByLabel('Users (one UPN per line)').fill('alice@contoso.com');
      await tab.getByLabel('Justification').fill('e2e from the tab');
      await tab.getByRole('button', { name: 'Preflight (1 user)' }).click();
      // The server's preflight (target-checks.ts against the emulator): Alice is synced and eligible.
      const table = tab.getByRole('table', { name: 'Preflight' });
      await table.getByText('alice@contoso.com').waitFor();
      await table.getByText('eligible', { exact: true }).waitFor();
      await shot(page, 'rita-new-request-desktop-light');
      await tab.getByRole('button', { name: 'Submit request' }).dblclick();
      const created = await tab.getByText(/Request SOA-[A-Z0-9]+ created \(pending\)/).textContent();
      requestId = /SOA-[A-Z0-9]+/.exec(created ?? '')![0];
      expect(posts).toHaveLength(1);
      expect(JSON.parse(posts[0])).toEqual({
        kind: 'transfer',
        upns: ['alice@contoso.com'],
        justification: 'e2e from the tab',
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });

      // In chat: the approval card in the approvals channel, for this request.
      const card = await rita.waitForMessage('the request card for alice', (e) => {
        const c = cardOf(e);
        return e.action === 'createMessage' && !!c && JSON.stringify(c).includes(requestId) && executeActions(c).some((a) => a.verb === VERBS.refresh);
      });
      expect(card.actionConversationId.startsWith(CHANNEL)).toBe(true);
      expect(executeActions(cardOf(card)).find((a) => a.verb === VERBS.refresh)!.data.requestId).toBe(requestId);
      cardMessageId = card.message!.messageId;
      expect(cardText(cardOf(card))).toMatch(/Waiting for approval/);
      expect(cardText(cardOf(card))).toMatch(/alice@contoso\.com/);

      // Exactly one request for alice (the double click submitted once).
      const mine = await apiAs('rita', '/api/tab/requests?mine=1');
      expect(mine.json.items.map((r: any) => r.id)).toEqual([requestId]);
      await tab.getByRole('tab', { name: 'My requests' }).click();
      await tab.getByRole('button', { name: requestId }).waitFor();
      await tab.getByRole('button', { name: requestId }).click();
      await tab.getByRole('heading', { name: `Request ${requestId}` }).waitFor();
      await tab.getByText('e2e from the tab', { exact: false }).first().waitFor();
      // The timeline says it came from the tab.
      await tab
        .getByText(/request\.created by .* \(via tab\)/)
        .first()
        .waitFor();
      expect(await tab.evaluate('document.activeElement.id')).toBe('detail-title');
      await shot(page, 'rita-detail-desktop-light');
      await axeScan(tab, 'rita-detail');
      // A requester has no export (the API refuses it to anyone but approvers and admins).
      await tab.getByRole('button', { name: 'Back' }).click();
      expect(await tab.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    },
  );

  it2('Adam (approver) approves in the tab; the chat card is edited to show it', async () => {
    const { page, tab } = await openTab('adam');
    const card = tab
      .getByRole('group', { name: `Request ${requestId}` })
      .or(tab.locator(`[data-request-id="${requestId}"]`))
      .first();
    await card.waitFor();
    await shot(page, 'adam-waiting-desktop-light');
    await axeScan(tab, 'adam-waiting');
    // By keyboard: from the comment, Tab reaches Approve, Enter presses it.
    await card.getByLabel(/Comment/).fill('fine by me');
    await card.getByLabel(/Comment/).press('Tab');
    expect(await tab.evaluate('document.activeElement.textContent')).toBe('Approve');
    await page.keyboard.press('Enter');
    await tab.getByText(`${requestId}: approved.`).waitFor();
    await tab.getByText('Nothing is waiting for your decision.').waitFor();

    const edited = await rita.waitFor(`card ${cardMessageId} edited after the tab approval`, () => {
      const edits = rita.events.filter((e) => e.message?.messageId === cardMessageId && e.action === 'updateMessage' && cardOf(e));
      const last = edits[edits.length - 1];
      return last && /Adam Approver/.test(cardText(cardOf(last))) ? cardOf(last) : null;
    });
    expect(cardText(edited)).not.toMatch(/Waiting for approval/);
    const detail = await apiAs('adam', `/api/tab/requests/${requestId}`);
    expect(detail.json.decisions).toEqual([
      expect.objectContaining({ by: expect.objectContaining({ id: DEMO_IDS.users.adam }), decision: 'approve', comment: 'fine by me' }),
    ]);

    // The detail page follows the execution to its end (it polls while running).
    await tab.getByRole('tab', { name: 'All requests' }).click();
    await tab.getByRole('button', { name: requestId }).click();
    await tab.getByText(/1 of 1 users processed/).waitFor({ timeout: 30_000 });
    await tab.getByText('completed', { exact: true }).first().waitFor({ timeout: 30_000 });
    await shot(page, 'adam-detail-desktop-light');
  });

  it2('Ben (no role) sees nothing of it, in the tab or through the API', async () => {
    const { page, tab } = await openTab('ben');
    await tab.getByText(/You have no role in SOA Bot/).waitFor();
    expect(await tab.getByText(requestId).count()).toBe(0);
    expect(await tab.getByRole('tab').count()).toBe(0);
    expect((await apiAs('ben', `/api/tab/requests/${requestId}`)).status).toBe(404);
    expect((await apiAs('ben', '/api/tab/waiting')).json?.items ?? []).toEqual([]);
    await shot(page, 'ben-desktop-light');
  });

  it2("the CSV export downloaded in the tab has the API's rows", async () => {
    const { tab } = await openTab('adam');
    await tab.getByRole('tab', { name: 'All requests' }).click();
    await tab.getByRole('button', { name: requestId }).waitFor();
    const [download] = await Promise.all([tab.page().waitForEvent('download'), tab.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('soa-requests.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    await tab.getByText('Exported soa-requests.csv.').waitFor();
    const direct = await apiAs('adam', '/api/tab/export.csv');
    expect(csv).toBe(direct.text);
    const list = await apiAs('adam', '/api/tab/requests');
    const ids = list.json.items.map((r: any) => r.id).sort();
    const lines = csv.trim().split(/\r?\n/);
    const header = lines[0].split(',');
    const idColumn = header.findIndex((h) => /^"?id"?$/i.test(h) || /request.?id/i.test(h));
    expect(idColumn).toBeGreaterThanOrEqual(0);
    const exportedIds = [...new Set(lines.slice(1).map((l) => l.split(',')[idColumn].replace(/"/g, '')))].sort();
    expect(exportedIds).toEqual(ids);
    expect(exportedIds).toContain(requestId);
  });

  it2('the theme follows Teams: a theme change from the host re-renders the tab dark, at desktop and mobile width', async () => {
    for (const [width, height, label] of [
      [1280, 900, 'desktop'],
      [390, 844, 'mobile'],
    ] as const) {
      const { page, tab } = await openTab('adam', { width, height });
      await tab.getByRole('tab', { name: 'All requests' }).click();
      await tab.getByRole('table', { name: 'All requests' }).or(tab.getByText('No request matches these filters.')).waitFor();
      const background = () => tab.evaluate<string>("getComputedStyle(document.querySelector('.app')).backgroundColor");
      const light = await background();
      expect(await tab.evaluate('document.documentElement.dataset.theme')).toBe('default');
      await shot(page, `adam-all-${label}-light`);
      await page.locator('#theme').selectOption('dark');
      await tab.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
      const dark = await background();
      expect(dark).not.toBe(light);
      // Dark backgrounds are dark: the sum of the channels well below the light theme's.
      const sum = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((a, b) => a + Number(b), 0);
      expect(sum(dark)).toBeLessThan(sum(light) / 2);
      await shot(page, `adam-all-${label}-dark`);
      if (label === 'mobile') {
        // Usable at phone width: nothing wider than the screen but the scrollable tables.
        const overflow = await tab.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow).toBeLessThanOrEqual(1);
        await axeScan(tab, 'adam-all-mobile-dark');
      }
    }
  });

  it2(
    "the migration progress view shows the server's weekly figures (Alice counted this week) and the still-synced count, as a chart and a table",
    async () => {
      const api = await apiAs('adam', '/api/tab/progress');
      expect(api.status).toBe(200);
      const weeks: any[] = api.json.weeks;
      expect(weeks[weeks.length - 1].usersTransferred).toBeGreaterThanOrEqual(1);
      expect(typeof api.json.stillSynced.users).toBe('number');
      const { page, tab } = await openTab('adam', { theme: 'dark' });
      await tab.getByRole('tab', { name: 'Migration progress' }).click();
      await tab.getByRole('img', { name: 'Users transferred and rolled back per week' }).waitFor();
      expect(await tab.getByTestId('still-synced').textContent()).toBe(String(api.json.stillSynced.users));
      expect(await tab.locator('svg rect.bar-transferred').count()).toBe(weeks.length);
      // The busiest week fills the chart; a week with none has no bar.
      const heights = await tab.locator('svg rect.bar-transferred').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
      const busiest = weeks.reduce((best, w, i) => (w.usersTransferred > weeks[best].usersTransferred ? i : best), 0);
      expect(heights[busiest]).toBe(Math.max(...heights));
      weeks.forEach((w, i) => w.usersTransferred === 0 && expect(heights[i]).toBe(0));
      const rows = await tab
        .locator('table.visually-hidden tbody tr')
        .evaluateAll((trs) => trs.map((tr: any) => Array.from(tr.children as ArrayLike<any>, (c) => c.textContent)));
      expect(rows).toEqual(
        weeks.map((w) => [w.weekStart, String(w.usersTransferred), String(w.usersRolledBack), String(w.groupsTransferred), String(w.groupsRolledBack)]),
      );
      await shot(page, 'adam-progress-desktop-dark');
      await axeScan(tab, 'adam-progress-dark');
    },
  );

  it2(
    'the new-request form against the server: a blocked user in the preflight table, a retry after a network error reuses the key and makes one request',
    async () => {
      const { page, tab } = await openTab('rita');
      const sent: any[] = [];
      let failNext = true;
      // The first submit never reaches the server (a dropped connection); the retry goes through.
      await page.route('**/api/tab/requests', (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        sent.push(route.request().postDataJSON());
        if (failNext) {
          failNext = false;
          return route.abort('connectionreset');
        }
        return route.continue();
      });
      await tab.getByRole('tab', { name: 'New request' }).click();
      await tab.getByLabel('Users (one UPN per line)').fill('Bob@contoso.com\nnobody-here@contoso.com\nbob@contoso.com');
      await tab.getByLabel('Justification').fill('form check');
      await tab.getByRole('button', { name: 'Preflight (2 users)' }).click();
      const table = tab.getByRole('table', { name: 'Preflight' });
      await table.getByText('eligible', { exact: true }).waitFor();
      await table.getByText(/^blocked: /).waitFor();
      await shot(page, 'rita-preflight-desktop-light');
      await axeScan(tab, 'rita-preflight');

      await tab.getByRole('button', { name: 'Submit request' }).click();
      await tab.getByText(/could not be reached/).waitFor();
      await tab.getByRole('button', { name: 'Submit request' }).dblclick();
      const created = await tab.getByText(/Request SOA-[A-Z0-9]+ created \(pending\)/).textContent();
      const id = /SOA-[A-Z0-9]+/.exec(created ?? '')![0];
      expect(await tab.getByRole('button', { name: 'Submit request' }).isDisabled()).toBe(true);
      expect(sent).toHaveLength(2);
      expect(sent[0]).toEqual({
        kind: 'transfer',
        upns: ['bob@contoso.com', 'nobody-here@contoso.com'],
        justification: 'form check',
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(sent[1]).toEqual(sent[0]);
      const mine = await apiAs('rita', '/api/tab/requests?mine=1');
      expect(mine.json.items.filter((r: any) => r.id === id)).toHaveLength(1);
      expect(mine.json.items).toHaveLength(2);
    },
  );

  it2(
    "the safeguard switch: the rollback card's deep link opens the request in the tab; Rita (not a Global Administrator) is refused, Adam switches it off and back on",
    async () => {
      const safeguardOn = () => e2e.stack.emulator.control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled;
      await rita.say(CHANNEL, 'rollback ivan@contoso.com reason: e2e safeguard from the tab');
      const event = await rita.waitForMessage('the rollback card for ivan', (e) => {
        const c = cardOf(e);
        return e.action === 'createMessage' && !!c && JSON.stringify(c).includes('ivan@contoso.com') && /Switch the safeguard off/.test(JSON.stringify(c));
      });
      const link = JSON.stringify(cardOf(event)).match(/"title":"Switch the safeguard off","url":"([^"]+)"/)![1];
      expect(link).toContain(`https://teams.microsoft.com/l/entity/${TEAMS_APP_ID}/`);
      const subEntityId: string = JSON.parse(new URL(link).searchParams.get('context')!).subEntityId;
      const rollbackId = /^safeguard-off:(SOA-[A-Z0-9]+)$/.exec(subEntityId)![1];
      expect(safeguardOn()).toBe(true);

      // Rita opens the link: the tab opens on the request; Graph refuses her (not a Global Administrator).
      const asRita = await openTab('rita', { subEntityId });
      await asRita.tab.getByRole('heading', { name: `Request ${rollbackId}` }).waitFor();
      await asRita.tab.getByRole('button', { name: 'Switch the safeguard off' }).click();
      await asRita.tab.getByText(/only a Global Administrator can switch the tenant safeguard/).waitFor();
      expect(safeguardOn()).toBe(true);
      await shot(asRita.page, 'rita-safeguard-refused');
      await axeScan(asRita.tab, 'rita-safeguard-refused');

      // Ben has no role in SOA Bot: the request stays hidden, yet the link still offers the switch (Graph decides).
      const asBen = await openTab('ben', { subEntityId });
      await asBen.tab.getByRole('heading', { name: `Request ${rollbackId}` }).waitFor();
      expect(await asBen.tab.getByText('e2e safeguard from the tab').count()).toBe(0);
      await asBen.tab.getByRole('button', { name: 'Switch the safeguard off' }).click();
      await asBen.tab.getByText(/only a Global Administrator can switch the tenant safeguard/).waitFor();
      expect(safeguardOn()).toBe(true);
      await axeScan(asBen.tab, 'ben-safeguard-refused');

      // Adam (a Global Administrator) opens the same link and switches it off: read back, the window opens.
      const asAdam = await openTab('adam', { subEntityId });
      await asAdam.tab.getByRole('heading', { name: `Request ${rollbackId}` }).waitFor();
      await asAdam.tab.getByRole('button', { name: 'Switch the safeguard off' }).click();
      await asAdam.tab.getByText(/Tenant safeguard switched off by Adam Approver \(read back: off\)/).waitFor();
      expect(safeguardOn()).toBe(false);
      await asAdam.tab
        .getByTestId('safeguard-window')
        .getByText(/by Adam Approver; not back on yet: the tenant is unprotected/)
        .waitFor();
      await shot(asAdam.page, 'adam-safeguard-off');

      await asAdam.tab.getByRole('button', { name: 'Switch it back on' }).click();
      await asAdam.tab.getByText(/Tenant safeguard switched back on by Adam Approver \(read back: on\)/).waitFor();
      expect(safeguardOn()).toBe(true);
      await asAdam.tab
        .getByTestId('safeguard-window')
        .getByText(/back on at .* by Adam Approver\./)
        .waitFor();
      const detail = await apiAs('adam', `/api/tab/requests/${rollbackId}`);
      expect(detail.json.safeguardWindow).toMatchObject({ offBy: { id: DEMO_IDS.users.adam }, onBy: { id: DEMO_IDS.users.adam } });
      await axeScan(asAdam.tab, 'adam-safeguard-on');
    },
  );

  it2('a group request from the tab: Rita asks for "Sales (AD)", the preflight shows the group, its card appears in the approvals channel', async () => {
    const { page, tab } = await openTab('rita');
    await tab.getByRole('tab', { name: 'New request' }).click();
    await tab.getByRole('radio', { name: 'Group' }).check();
    await tab.getByLabel('Group name or object id').fill('Sales (AD)');
    expect(await tab.getByRole('checkbox', { name: /With nested groups/ }).count()).toBe(1);
    await tab.getByLabel('Justification').fill('e2e group from the tab');
    await tab.getByRole('button', { name: 'Preflight (group)' }).click();
    const table = tab.getByRole('table', { name: 'Preflight' });
    await table.getByRole('columnheader', { name: 'Level' }).waitFor();
    await table.getByText(DEMO_IDS.groups.sales).waitFor();
    await table.getByText('eligible', { exact: true }).waitFor();
    await shot(page, 'rita-group-preflight');
    await axeScan(tab, 'rita-group-preflight');
    await tab.getByRole('button', { name: 'Submit request' }).click();
    const created = await tab.getByText(/Request SOA-[A-Z0-9]+ created \(pending\)/).textContent();
    const id = /SOA-[A-Z0-9]+/.exec(created ?? '')![0];
    // The card is posted where the tab's user requests post theirs: the approvals channel.
    const event = await rita.waitForMessage(`the approval card of ${id}`, (e) => {
      const card = cardOf(e);
      return e.action === 'createMessage' && !!card && JSON.stringify(card).includes(id) && JSON.stringify(card).includes(DEMO_IDS.groups.sales);
    });
    expect(event.actionConversationId.startsWith(CHANNEL)).toBe(true);
    const detail = await apiAs('rita', `/api/tab/requests/${id}`);
    expect([detail.json.targetType, detail.json.timeline[0].via]).toEqual(['group', 'tab']);
  });

  it2('delegations in the tab: Adam sees the delegation he gave and ends it; the empty state follows', async () => {
    const adam = e2e.client('adam');
    const until = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await adam.say(adam.personalChat, `delegate to ben@contoso.com until ${until}`);
    await adam.waitForMessage('the delegation reply', (e) => /delegated to Ben Bystander/.test(JSON.stringify(e)));
    const { page, tab } = await openTab('adam');
    await tab.getByRole('tab', { name: 'Delegations' }).click();
    const table = tab.getByRole('table', { name: 'Delegations' });
    await table.getByRole('cell', { name: 'Ben Bystander', exact: true }).waitFor();
    await table.getByRole('cell', { name: 'Adam Approver', exact: true }).waitFor();
    await shot(page, 'adam-delegations');
    await axeScan(tab, 'adam-delegations');
    await tab.getByRole('button', { name: 'End the delegation of Adam Approver to Ben Bystander' }).click();
    await tab.getByText(/The delegation of Adam Approver's approval right to Ben Bystander has ended/).waitFor();
    await tab.getByText(/No delegation of an approval right is running for you/).waitFor();
    await axeScan(tab, 'adam-delegations-empty');
    expect((await apiAs('adam', '/api/tab/delegations')).json).toEqual({ delegations: [] });
  });

  it2('outside a Teams host the tab says to open it in Teams instead of waiting', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${e2e.stack.tabHost.url}/tab/`);
    await page
      .getByRole('alert')
      .getByText(/Open this page as the SOA Bot tab in Microsoft Teams/)
      .waitFor({ timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it2('the tab and the host page asked nothing of the internet (no CDN: everything is in dist/tab/)', async () => {
    expect([...new Set(blocked)]).toEqual([]);
  });
});
