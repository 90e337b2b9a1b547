import { ROLE_TEMPLATES, demoTenant } from '../../../emulator';
import { transferredUser } from '../../../emulator/seeds/builders';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardProblems } from '../../support/card-validation';
import { cardText } from '../../support/card-text';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForText } from './flow-helpers';
import { waitUntil } from '../../support/wait-until';

/**
 * docs/soa-and-graph.md §6b: since 1 June 2026 the sync client does not take back a cloud-managed user
 * who holds a Microsoft Entra role, so the rollback preflight (the one target policy) blocks role holders,
 * active and eligible, alone and in a list, and says what to do. Through /api/messages and the emulator.
 */
const KIM = transferredUser({ id: 'a0b1c2d3-0000-4000-8000-00000000c1a1', userPrincipalName: 'kim@contoso.com', displayName: 'Kim Eligible' });
const LEE = transferredUser({ id: 'a0b1c2d3-0000-4000-8000-00000000c1a2', userPrincipalName: 'lee@contoso.com', displayName: 'Lee Plain' });
const MIA = transferredUser({ id: 'a0b1c2d3-0000-4000-8000-00000000c1a3', userPrincipalName: 'mia@contoso.com', displayName: 'Mia Later' });

describe('rollback of role holders', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({});
    const demo = demoTenant();
    h.emulator.control.seed({
      ...demo,
      users: [...(demo.users ?? []), KIM, LEE, MIA],
      roleAssignments: [
        { principalId: DEMO_IDS.users.ivan, roleDefinitionId: ROLE_TEMPLATES.userAdministrator, kind: 'active' },
        { principalId: KIM.id, roleDefinitionId: ROLE_TEMPLATES.hybridIdentityAdministrator, kind: 'eligible' },
      ],
    });
  });
  afterAll(() => h.stop());

  const say = (text: string) => h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text, conversation: CHANNEL }));
  const roleReads = () => h.emulator.control.calls().filter((c) => c.path.startsWith('/roleManagement/directory/'));

  it('refuses a single active role holder with the reason, the role and what to do', async () => {
    await say('rollback ivan@contoso.com reason: back to AD');
    const text = await waitForText(h, /ivan@contoso\.com: Holds a Microsoft Entra role/);
    expect(text).toMatch(/User Administrator \(active\)/);
    expect(text).toMatch(/Remove the role assignments listed first, both active and eligible \(PIM\)/);
    expect(roleReads().map((c) => c.query.$filter)).toContain(`principalId eq '${DEMO_IDS.users.ivan}'`);
  });

  it('refuses a single eligible (PIM) role holder', async () => {
    await say('rollback kim@contoso.com reason: back to AD');
    const text = await waitForText(h, /kim@contoso\.com: Holds a Microsoft Entra role/);
    expect(text).toMatch(/Hybrid Identity Administrator \(eligible\)/);
  });

  it('in a list: the role holders are not included, the others are', async () => {
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com kim@contoso.com lee@contoso.com reason: back to AD');
    expect(cardProblems(posted.card)).toEqual([]);
    const text = cardText(posted.card);
    expect(text).toMatch(/Users to roll back \(1\)/);
    expect(text).toMatch(/lee@contoso\.com/);
    expect(text).toMatch(/Not included \(2\)/);
    expect(text).toMatch(/ivan@contoso\.com: Holds a Microsoft Entra role.*Roles: User Administrator \(active\)/);
    expect(text).toMatch(/kim@contoso\.com: Holds a Microsoft Entra role.*Roles: Hybrid Identity Administrator \(eligible\)/);
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    expect(request.targets.map((t) => t.preflight.upn)).toEqual(['lee@contoso.com']);
    expect(request.blocked.map((b) => [b.upn, b.blocker])).toEqual([
      ['ivan@contoso.com', 'role-holder'],
      ['kim@contoso.com', 'role-holder'],
    ]);
  });

  it('a role given after approval stops the write at execution: the user fails with the reason, nothing is patched', async () => {
    const posted = await requestInChannel(h, 'rollback mia@contoso.com reason: back to AD');
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    h.emulator.control.setRoleAssignments([{ principalId: MIA.id, roleDefinitionId: ROLE_TEMPLATES.userAdministrator, kind: 'eligible' }]);
    await click(h, PEOPLE.adam, VERBS.confirmSafeguard, { ...posted, version: posted.version + 1 });
    const failed = await waitUntil(
      async () => {
        const execution = (await h.app.deps.requests.get(posted.requestId))!.targets[0].execution;
        return execution.outcome === 'failed' && execution;
      },
      'the execution to fail',
      10_000,
    );
    expect(failed).toMatchObject({ errorCode: 'ROLLBACK.ROLE_HOLDER', errorDetail: expect.stringContaining('User Administrator (eligible)') });
    expect(soaPatches(h, MIA.id)).toHaveLength(0);
  });
});
