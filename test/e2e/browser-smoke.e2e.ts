import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { VERBS } from '../../src/cards/action-data';
import { cardText } from '../support/card-text';
import { CardLedger, expectClosedCard, expectNoDecisionButtons } from './support/card-checks';
import { E2eStack, startE2eStack, itWithLogs } from './support/e2e-stack';
import { PersonPage, chromiumMissing, launchChromium, openConversation, openPlayground as openPage, typeMessage } from './support/browser';
import { PlaygroundClient, cardOf, executeActions } from './support/playground-client';

/**
 * Smoke flows in the playground's real web UI: headless Debian chromium (playwright-core), two people
 * in two playground instances. Rita types the command in her personal chat; the approval card appears
 * in the "SOA approvals" channel in Adam's playground; Adam opens his options and clicks Approve (or
 * Reject with a comment); Rita sees the outcome in her chat. A screenshot of each step goes to
 * test/e2e/artifacts/browser/ (git-ignored), so a person can check what each party saw.
 */

jest.setTimeout(90_000);

const missing = chromiumMissing();
// Without chromium the flows are not declared at all (nothing skipped): the test below fails instead.
const describeIfChromium = (missing ? () => undefined : describe) as typeof describe;
if (missing) {
  // No silent skip: without chromium the suite fails and says how to get it (.ci/run installs it).
  it('needs Debian chromium (apt-get install -y chromium)', () => {
    throw new Error(missing);
  });
}

describeIfChromium('SOA Bot in the Agents Playground web UI (headless chromium, two people)', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let rita: PersonPage;
  let adam: PersonPage;
  let ledger: CardLedger;
  const counter = { n: 0 };
  let shotsDir: string;
  const it2 = itWithLogs(() => e2e);

  beforeAll(async () => {
    e2e = await startE2eStack('browser', { people: ['rita', 'adam'] });
    shotsDir = path.join(e2e.dir, 'screenshots');
    fs.rmSync(shotsDir, { recursive: true, force: true });
    ledger = new CardLedger(() => [e2e.client('rita'), e2e.client('adam')]);
    browser = await launchChromium();
    // Rita's page first, then Adam's: opening a page "opens the app" in the team, so the bot's
    // reference to the approvals channel ends up pointing at Adam's playground, where he sees the card.
    rita = await openPlayground(e2e.client('rita'));
    adam = await openPlayground(e2e.client('adam'));
    await e2e.client('adam').installInTeam();
  }, 150_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await e2e?.stop();
  });

  const openPlayground = (client: PlaygroundClient): Promise<PersonPage> => openPage(browser, client, shotsDir, counter);

  /** The rendered Adaptive Card (in this page) that mentions the request id. */
  const cardIn = (page: Page, requestId: string) => page.locator('.ac-container', { hasText: requestId }).first();

  async function requestFlow(upn: string, reason: string): Promise<{ requestId: string }> {
    await openConversation(rita.page, 'Personal Chat');
    const since = Date.now();
    await typeMessage(rita.page, `transfer ${upn} reason: ${reason}`);
    const sentTo = await e2e
      .client('rita')
      .waitForMessage(
        "the bot's confirmation in Rita's personal chat",
        (e) =>
          e.actionConversationId === e2e.client('rita').personalChat &&
          e.receivedAt >= since &&
          /was sent to the approvals channel/.test(e.message?.text ?? ''),
      );
    const requestId = /Request (SOA-[A-Z0-9]+)/.exec(sentTo.message!.text!)![1];
    await rita.page.getByText(`Request ${requestId} was sent to the approvals channel`).first().waitFor();
    await cardIn(rita.page, requestId).waitFor();
    await rita.shot(`rita-requests-${upn.split('@')[0]}`);
    return { requestId };
  }

  it2('Rita requests in her personal chat, Adam approves on the card in his playground, Rita sees the outcome', async () => {
    const { requestId } = await requestFlow('alice@contoso.com', 'browser smoke');

    // Adam's playground: the card in the approvals channel, without buttons for him yet.
    const posted = await e2e
      .client('adam')
      .waitForMessage("the request card in Adam's playground", (e) => e.action === 'createMessage' && JSON.stringify(cardOf(e) ?? '').includes(requestId));
    expectNoDecisionButtons(cardOf(posted));
    await openConversation(adam.page, 'IT Operations - SOA approvals');
    const card = cardIn(adam.page, requestId);
    await card.waitFor();
    await adam.page.getByText('Waiting for approval').first().waitFor();
    await adam.shot('adam-sees-the-card');

    // His options: Approve / Reject (the bot answers the click with his own view of the card).
    await card.getByRole('button', { name: 'Show my options' }).click();
    await card.getByRole('button', { name: 'Approve' }).waitFor();
    await card.getByRole('button', { name: 'Reject' }).waitFor();
    await adam.shot('adam-sees-approve-and-reject');
    // Rita's copy never has them.
    expect(await cardIn(rita.page, requestId).getByRole('button', { name: 'Approve' }).count()).toBe(0);

    await card.getByRole('button', { name: 'Approve' }).click();
    await adam.page.getByText('Approved by Adam Approver').first().waitFor();
    await adam.shot('adam-approved');

    // Rita's chat: the outcome, and her status card edited to Completed.
    await rita.page
      .getByText(new RegExp(`Transfer ${requestId}: completed`))
      .first()
      .waitFor({ timeout: 30_000 });
    await cardIn(rita.page, requestId).getByText('Completed', { exact: true }).first().waitFor({ timeout: 30_000 });
    await rita.page
      .getByText(new RegExp(`Audit records for ${requestId}`))
      .first()
      .waitFor({ timeout: 30_000 });
    await rita.shot('rita-sees-the-outcome');
    expect(e2e.stack.emulator.control.getUser('alice@contoso.com')).toMatchObject({ isCloudManaged: true });

    // Adam's card in the channel: edited to Completed, no buttons left for anyone.
    await cardIn(adam.page, requestId).getByText('Completed', { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(await cardIn(adam.page, requestId).getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await adam.shot('adam-sees-completed');
  });

  it2('Adam rejects with a comment; Rita is told why and nothing changes', async () => {
    const { requestId } = await requestFlow('bob@contoso.com', 'browser smoke reject');
    await openConversation(adam.page, 'IT Operations - SOA approvals');
    const card = cardIn(adam.page, requestId);
    await card.waitFor();
    await card.getByRole('button', { name: 'Show my options' }).click();
    const comment = card.getByPlaceholder('Comment (required to reject, optional to approve)');
    await comment.fill('not during the freeze window');
    await adam.shot('adam-writes-a-comment');
    await card.getByRole('button', { name: 'Reject' }).click();
    await adam.page
      .getByText(/Rejected by Adam Approver/)
      .first()
      .waitFor();
    await adam.shot('adam-rejected');

    await rita.page
      .getByText(new RegExp(`your request ${requestId} was rejected by Adam Approver`))
      .first()
      .waitFor({ timeout: 30_000 });
    await cardIn(rita.page, requestId).getByText('Rejected', { exact: true }).first().waitFor({ timeout: 30_000 });
    await rita.shot('rita-sees-the-rejection');
    expect(e2e.stack.emulator.control.getUser('bob@contoso.com')).toMatchObject({ onPremisesSyncEnabled: true });
  });

  it2('the cards both people received are valid Teams cards; closed ones carry no buttons', async () => {
    expect(ledger.problems()).toEqual([]);
    const cards = ledger.all();
    expect(cards.length).toBeGreaterThan(4);
    for (const { card } of cards) {
      const text = cardText(card);
      if (/\b(Completed|Rejected)\b/.test(text.split('\n').slice(0, 2).join(' '))) expectClosedCard(card);
      else expect(executeActions(card.body).map((a) => a.verb)).not.toContain(VERBS.approve);
    }
    // Only localhost was contacted (the CDN font requests were blocked).
    for (const p of [rita, adam]) expect(p.blocked.every((origin) => !/localhost|127\.0\.0\.1/.test(origin))).toBe(true);
    expect(fs.readdirSync(shotsDir).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(9);
  });
});
