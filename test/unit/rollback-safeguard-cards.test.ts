import { renderRequestCard } from '../../src/cards/request-card';
import { heldRolesText, safeguardOnCard, safeguardWindowText } from '../../src/cards/rollback-section';
import { aPerson, aRequest } from '../support/builders';
import { cardProblems } from '../support/card-validation';
import { cardText } from '../support/card-text';

const APP = '0c0ffee0-0000-4000-8000-00000000a991';
const rollback = (overrides: Parameters<typeof aRequest>[0] = {}) => aRequest({ kind: 'rollback', status: 'awaiting-safeguard', ...overrides });
const openUrls = (card: Record<string, unknown>) => JSON.stringify(card).match(/"type":"Action\.OpenUrl","title":"[^"]+","url":"[^"]+"/g) ?? [];

describe('rollback safeguard on cards', () => {
  it('offers "Switch the safeguard off" (a deep link to the tab) only with SAFEGUARD_SWITCH=obo and only before the step is done', () => {
    const request = rollback();
    const withSwitch = renderRequestCard(request, { audience: 'everyone', tenantId: 't', safeguardSwitchAppId: APP });
    expect(cardProblems(withSwitch)).toEqual([]);
    expect(openUrls(withSwitch)).toEqual([expect.stringContaining(`https://teams.microsoft.com/l/entity/${APP}/requests?context=`)]);
    expect(openUrls(renderRequestCard(request, { audience: 'everyone', tenantId: 't' }))).toEqual([]);
    const done = rollback({ safeguard: { confirmedBy: aPerson(), at: '2026-12-01T10:00:00.000Z' } });
    expect(openUrls(renderRequestCard(done, { audience: 'everyone', tenantId: 't', safeguardSwitchAppId: APP }))).toEqual([]);
  });

  it('shows the unprotected window with names escaped, and "not yet back on" while it is open', () => {
    const window = { offAt: '2026-12-01T10:00:00.000Z', offBy: aPerson({ name: '*Ben* [x](http://evil)' }), onAt: null, onBy: null };
    const text = safeguardWindowText(window);
    expect(text).toMatch(/switched off at 2026-12-01 10:00 UTC by \\\*Ben\\\* \\\[x\\\]\\\(http:\/\/evil\\\); not yet back on/);
    const closed = safeguardWindowText({ ...window, onAt: '2026-12-01T12:30:00.000Z', onBy: aPerson({ name: 'Amy' }) });
    expect(closed).toMatch(/back on at 2026-12-01 12:30 UTC by Amy\./);
    const card = renderRequestCard(rollback({ status: 'completed', safeguardWindow: window }), { audience: 'everyone', tenantId: 't' });
    expect(cardText(card)).toContain('not yet back on: the tenant is unprotected');
  });

  it('the reminder card is valid, names who switched it off and links to "switch back on"', () => {
    const request = rollback({
      status: 'completed',
      safeguardWindow: { offAt: '2026-12-01T10:00:00.000Z', offBy: aPerson({ name: 'Ben' }), onAt: null, onBy: null },
    });
    const card = safeguardOnCard(request, APP);
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toMatch(/Ben or any Global Administrator/);
    expect(decodeURIComponent(openUrls(card)[0]!)).toContain(`"subEntityId":"safeguard-on:${request.id}"`);
  });

  it('names held roles, escaped and capped', () => {
    const roles = Array.from({ length: 12 }, (_, i) => ({
      roleDefinitionId: `r${i}`,
      displayName: i === 0 ? 'Role_*one*' : `Role ${i}`,
      kind: 'active' as const,
    }));
    const text = heldRolesText(roles);
    expect(text).toMatch(/^Roles: Role\\_\\\*one\\\* \(active\), /);
    expect(text).toMatch(/\d+ more role\(s\)\.$/);
    expect(heldRolesText([])).toBe('');
  });
});
