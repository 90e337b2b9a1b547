import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { TestPerson, messageActivity } from '../../support/teams-activities';
import { DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, waitForText } from './flow-helpers';

/**
 * Every role against every command and card action, decided on the server from from.aadObjectId.
 * rita: requester · adam: approver (and rollback approver by fallback) · ben: admin · erin: nobody.
 */
const ERIN: TestPerson = { aadObjectId: DEMO_IDS.users.erin, name: 'Erin Nobody', mri: '29:erin' };
const ROLES: Record<string, TestPerson> = { requester: PEOPLE.rita, approver: PEOPLE.adam, admin: PEOPLE.ben, nobody: ERIN };

const REFUSALS: Record<string, RegExp> = {
  transfer: /not allowed to request/,
  rollback: /not allowed to request/,
  status: /not allowed to request/,
  'notify status': /Only approvers and admins/,
  'notify off': /Only admins can turn notifications off/,
  health: /Only admins can see the health report \(ADMIN_GROUP_ID \/ ADMIN_IDS\)/,
  freeze: /Only admins can freeze executions.*Nothing was changed/,
  unfreeze: /Only admins can unfreeze/,
};
const COMMANDS: Record<string, string> = {
  transfer: 'transfer dave@contoso.com reason: matrix',
  rollback: 'rollback ivan@contoso.com reason: matrix',
  status: 'status dave@contoso.com',
  'notify status': 'notify status',
  'notify off': 'notify off',
  health: 'health',
  freeze: 'freeze matrix',
  unfreeze: 'unfreeze',
};
const ALLOWED: Record<string, string[]> = {
  transfer: ['requester'],
  rollback: ['requester'],
  status: ['requester', 'approver'],
  'notify status': ['approver', 'admin'],
  'notify off': ['admin'],
  health: ['admin'],
  freeze: ['admin'],
  unfreeze: ['admin'],
};

describe('authorization matrix', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { ADMIN_IDS: DEMO_IDS.users.ben } });
  });
  afterAll(() => h.stop());

  const cases = Object.keys(COMMANDS).flatMap((command) => Object.keys(ROLES).map((role) => [command, role] as const));
  it.each(cases)('%s by %s', async (command, role) => {
    const conversation = { kind: 'personal' as const, id: `a:matrix-${command.replace(' ', '-')}-${role}` };
    const response = await h.send(messageActivity({ serviceUrl: h.connector.url, from: ROLES[role], text: COMMANDS[command], conversation }));
    expect(response.status).toBe(200);
    // The answer, a refusal or not, is sent within the turn, which ends before the HTTP response: nothing to wait for.
    const said = h.connector.texts(conversation.id).join('\n');
    expect(said).not.toBe('');
    if (ALLOWED[command].includes(role)) expect(said).not.toMatch(REFUSALS[command]);
    else expect(said).toMatch(REFUSALS[command]);
    if (command === 'freeze' && role === 'admin') {
      await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: 'unfreeze', conversation }));
      await waitForText(h, /unfrozen/, conversation.id);
    }
  });

  it('card actions: only approvers decide, only requester or rollback approvers confirm the safeguard, only people with a role may look', async () => {
    const transfer = await requestInChannel(h, 'transfer dave@contoso.com reason: card matrix');
    for (const person of [PEOPLE.rita, PEOPLE.ben]) {
      for (const verb of [VERBS.approve, VERBS.reject]) {
        const response = await click(h, person, verb, transfer);
        expect(cardText(response.body.value)).toMatch(/Only approvers/);
      }
      const look = await click(h, person, VERBS.refresh, transfer);
      expect(look.body.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(look.body.value)).not.toContain(VERBS.approve);
    }
    // Erin holds no role: the neutral answer to everything, no card.
    for (const verb of [VERBS.approve, VERBS.reject, VERBS.refresh]) {
      const response = await click(h, ERIN, verb, transfer);
      expect(response.body.type).toBe('application/vnd.microsoft.activity.message');
      expect(response.body.value).toMatch(/nothing I can show or do for that request here/);
    }
    expect(JSON.stringify((await click(h, PEOPLE.adam, VERBS.refresh, transfer)).body.value)).toContain(VERBS.approve);
    expect((await h.app.deps.requests.get(transfer.requestId))?.decisions).toHaveLength(0);

    const rollback = await requestInChannel(h, 'rollback ivan@contoso.com reason: card matrix');
    expect(cardText((await click(h, PEOPLE.ben, VERBS.confirmSafeguard, rollback)).body.value)).toMatch(/Only approvers/);
    expect((await click(h, ERIN, VERBS.confirmSafeguard, rollback)).body.value).toMatch(/nothing I can show or do for that request here/);
    const byRequester = await click(h, PEOPLE.rita, VERBS.confirmSafeguard, rollback);
    expect(cardText(byRequester.body.value)).toMatch(/Safeguard step confirmed by Rita Requester/);
  });
});
