import { startGraphEmulator } from '../../../emulator';
import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { TestPerson, messageActivity } from '../../support/teams-activities';

/** Extra groups of the approval-flow tests: a second approval stage and the escalation group. */
export const FLOW_GROUPS = {
  security: '5d0a0002-0000-4000-8000-000000000090',
  escalation: '5d0a0002-0000-4000-8000-000000000091',
} as const;

export const CAROL: TestPerson = { aadObjectId: DEMO_IDS.users.carol, name: 'Carol Chen', mri: '29:carol' };
export const GRACE: TestPerson = { aadObjectId: DEMO_IDS.users.grace, name: 'Grace Green', mri: '29:grace' };

/** The demo tenant plus Security (Ben, Carol, Adam) and Escalation (Grace) groups. */
export async function startFlowHarness(env: Record<string, string>): Promise<BotHarness> {
  const seed = demoTenant();
  seed.groups = [
    ...(seed.groups ?? []),
    { id: FLOW_GROUPS.security, displayName: 'Security approvers', members: [DEMO_IDS.users.ben, DEMO_IDS.users.carol, DEMO_IDS.users.adam] },
    { id: FLOW_GROUPS.escalation, displayName: 'Escalation approvers', members: [DEMO_IDS.users.grace] },
  ];
  const emulator = await startGraphEmulator({ seed });
  const h = await startBotHarness({ emulator, env });
  const stop = h.stop.bind(h);
  h.stop = async () => {
    await stop();
    await emulator.close();
  };
  return h;
}

/** Sets the test clock to an exact instant. */
export function setClock(h: BotHarness, iso: string): void {
  h.clock.advance(Date.parse(iso) - h.clock.now().getTime());
}

/** The person writes to the bot in a personal chat once: the bot learns their chat (for personal reminders) and MRI. */
export async function sayHello(h: BotHarness, who: TestPerson): Promise<void> {
  const before = h.connector.posts().length;
  await h.send(messageActivity({ serviceUrl: h.connector.url, from: who, text: 'help' }));
  await h.connector.waitFor(() => h.connector.posts().length > before);
}

/** Texts the bot posted in the conversation that match. */
export function postsMatching(h: BotHarness, pattern: RegExp, conversationId?: string): { text: string; entities: any[] }[] {
  return h.connector
    .posts(conversationId)
    .filter((p) => pattern.test(p.activity.text ?? ''))
    .map((p) => ({ text: p.activity.text ?? '', entities: (p.activity.entities as any[]) ?? [] }));
}

/** The job runner stopped, so each test runs due jobs itself (runDue) and nothing runs behind its back. */
export async function stopBackgroundJobs(h: BotHarness): Promise<void> {
  await h.app.runner.stop({ graceMs: 2_000 });
}

export { PEOPLE };
