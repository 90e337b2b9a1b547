import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { PlaygroundClient } from './playground-client';

/**
 * Debian's chromium, headless, driven by playwright-core (never `npx playwright install`: no network),
 * with the flags below (docs/agents-playground.md); every request that is not to localhost is blocked (the
 * playground's page asks a CDN for fonts).
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumMissing(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface PersonPage {
  context: BrowserContext;
  page: Page;
  client: PlaygroundClient;
  blocked: string[];
  /** test/e2e/artifacts/<suite>/<nn>-<name>.png */
  shot(name: string): Promise<string>;
}

/**
 * Opens one person's playground in its own browser context. Usable when the bot has answered the
 * page's own conversationUpdate (seen on the playground's log stream) and the log panel shows it.
 */
export async function openPlayground(browser: Browser, client: PlaygroundClient, shotsDir: string, counter: { n: number }): Promise<PersonPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(20_000);
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    blocked.push(url.origin);
    return route.abort();
  });
  const page = await context.newPage();
  const since = Date.now();
  await page.goto(client.url, { timeout: 60_000, waitUntil: 'domcontentloaded' });
  await client.waitForBotAnswer('conversationUpdate', null, since, 60_000);
  await page.getByText('conversationUpdate 200').first().waitFor({ timeout: 60_000 });
  await page.getByRole('treeitem', { name: 'Personal Chat' }).waitFor({ timeout: 30_000 });
  fs.mkdirSync(shotsDir, { recursive: true });
  return {
    context,
    page,
    client,
    blocked,
    async shot(name) {
      counter.n += 1;
      const file = path.join(shotsDir, `${String(counter.n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
  };
}

/** The compose box of the open conversation (the log panel is editable too: pick the lexical editor). */
export async function typeMessage(page: Page, text: string): Promise<void> {
  const box = page.locator('[data-lexical-editor="true"][role="textbox"]').first();
  await box.click();
  await box.pressSequentially(text, { delay: 5 });
  await box.press('Enter');
}

export async function openConversation(
  page: Page,
  name: 'Personal Chat' | 'SOA group chat' | 'IT Operations - General' | 'IT Operations - SOA approvals',
): Promise<void> {
  await page.getByRole('treeitem', { name }).click();
}
