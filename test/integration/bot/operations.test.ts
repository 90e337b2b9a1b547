import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForStatus, waitForText } from './flow-helpers';
import { waitUntil } from '../../support/wait-until';

describe('kill switch, scope guard, health and readiness', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: {
        ADMIN_IDS: DEMO_IDS.users.ben,
        // "Sales (AD)" stands in for a privileged group here: its members (alice, bob) can never be targeted.
        PROTECTED_GROUP_IDS: DEMO_IDS.groups.sales,
      },
    });
  });
  afterAll(() => h.stop());
  const say = (from: typeof PEOPLE.rita, text: string) => h.send(messageActivity({ serviceUrl: h.connector.url, from, text, conversation: CHANNEL }));
  const readyz = async () => {
    const url = h.messagesUrl.replace('/api/messages', '/readyz');
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  };

  it('freeze is for admins only; while frozen, approved requests wait durably and run after unfreeze', async () => {
    await say(PEOPLE.adam, 'freeze change window');
    await waitForText(h, /Only admins can freeze/);
    expect((await readyz()).status).toBe(200);

    await say(PEOPLE.ben, 'freeze reason: change freeze for the audit');
    await waitForText(h, /Executions frozen by Ben Bystander \(change freeze for the audit\)/);
    // Readiness is about this instance serving, not business state: a freeze neither fails it (the
    // platform would recycle healthy instances) nor shows in it (anyone can ask /readyz).
    const frozen = await readyz();
    expect(frozen).toEqual({ status: 200, text: JSON.stringify({ status: 'ready' }) });
    expect(frozen.text).not.toMatch(/froz|graph|token/i);

    const posted = await requestInChannel(h, 'transfer carol@contoso.com reason: during freeze');
    const approved = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(approved.body.value)).toMatch(/Executions are frozen right now/);
    h.clock.advance(10_000);
    await h.app.runner.runDue();
    await h.restart();
    h.clock.advance(10_000);
    await h.app.runner.runDue();
    expect(soaPatches(h)).toHaveLength(0);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('approved');
    expect((await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'execution.held')).toHaveLength(1);

    await say(PEOPLE.ben, 'unfreeze');
    await waitForText(h, /Executions unfrozen by Ben Bystander/);
    h.clock.advance(3_000);
    await h.app.runner.runDue();
    await waitForStatus(h, posted.requestId, 'completed');
    expect(soaPatches(h, DEMO_IDS.users.carol)).toHaveLength(1);
    expect((await readyz()).status).toBe(200);
  });

  it('never lets a protected account into a request', async () => {
    await say(PEOPLE.rita, 'transfer bob@contoso.com reason: protected');
    await waitForText(h, /bob@contoso.com: Protected account/);
  });

  it('health is for admins and reports the token, the permissions and what to grant', async () => {
    await say(PEOPLE.adam, 'health');
    await waitForText(h, /Only admins can see the health report/);
    await waitForLog(h, /"component":"self-check".*All needed application permissions are granted/);
    await say(PEOPLE.ben, 'health');
    const report = await waitForText(h, /SOA Bot health/);
    expect(report).toMatch(/Graph token obtained with the client-secret credential/);
    expect(report).toMatch(/All needed application permissions are granted/);
    expect(report).toMatch(/client secret is in use/);
    // The start-up self-check ran in the background and its result is kept for health.
    expect(report).toMatch(/✅ Start-up self-check at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: passed/);
    // Business state lives here, for admins, not in /readyz.
    expect(report).toMatch(/Executions are not frozen|Executions are frozen since/);
  });
});

async function waitForLog(h: BotHarness, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  await waitUntil(() => h.logs.some((l) => pattern.test(l)), `a log line matching ${pattern}`, timeoutMs);
}

describe('allowed target scope', () => {
  it('refuses users outside ALLOWED_TARGET_GROUP_ID', async () => {
    const h = await startBotHarness({ env: { ALLOWED_TARGET_GROUP_ID: DEMO_IDS.groups.sales } });
    try {
      const posted = await requestInChannel(h, 'transfer alice@contoso.com dave@contoso.com reason: scope');
      const text = cardText(posted.card);
      expect(text).toMatch(/Users to transfer \(1\)/);
      expect(text).toMatch(/dave@contoso.com: Outside the allowed scope/);
    } finally {
      await h.stop();
    }
  });
});

describe('start-up self-check with missing permissions', () => {
  it('logs each missing permission with the fix', async () => {
    const { startGraphEmulator, demoTenant } = await import('../../../emulator');
    const emulator = await startGraphEmulator({
      seed: demoTenant(),
      grantedRoles: ['User-OnPremisesSyncBehavior.ReadWrite.All', 'User.Read.All', 'GroupMember.Read.All'],
    });
    const h = await startBotHarness({ emulator, env: { ADMIN_IDS: DEMO_IDS.users.ben } });
    try {
      // The self-check runs in the background after the bot listens.
      await waitForLog(h, /Grant admin consent/);
      const warnings = h.logs.filter((l) => l.includes('"component":"self-check"') && l.includes('"level":"warn"')).join('\n');
      expect(warnings).toMatch(/Missing application permission Domain\.Read\.All/);
      expect(warnings).toMatch(/Missing application permission AuditLog\.Read\.All/);
      expect(warnings).toMatch(/Grant admin consent/);
      expect(warnings).not.toMatch(/Missing application permission User\.Read\.All/);
      // health reports the background check's result to admins.
      await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: 'health', conversation: CHANNEL }));
      expect(await waitForText(h, /SOA Bot health/)).toMatch(/❌ Start-up self-check at .* UTC: failed/);
    } finally {
      await h.stop();
      await emulator.close();
    }
  });
});
