import { preflightTransfer } from '../../src/domain/preflight';
import { aSyncedUser } from '../support/builders';
import { DirectoryUser, classifySoa } from '../../src/domain/soa-state';

const synced: DirectoryUser = aSyncedUser();

describe('SOA state (the state table of docs/soa-and-graph.md §1)', () => {
  it('classifies the four states and not-found', () => {
    expect(classifySoa(synced, false)).toBe('synced');
    expect(classifySoa({ ...synced, onPremisesSyncEnabled: null }, true)).toBe('transferred');
    expect(classifySoa({ ...synced, onPremisesSyncEnabled: null }, false)).toBe('rolled-back-awaiting-sync');
    expect(classifySoa({ ...synced, onPremisesSyncEnabled: null, onPremisesImmutableId: null }, false)).toBe('cloud-native');
    expect(classifySoa(null, null)).toBe('not-found');
  });
});

describe('transfer preflight', () => {
  const run = (user: DirectoryUser | null, isCloudManaged: boolean | null, auth: 'Managed' | 'Federated' | null = 'Managed') =>
    preflightTransfer({ upn: 'alice@contoso.com', user, isCloudManaged, domainAuthenticationType: auth });

  it('lets a synced user in a managed domain through', () => {
    expect(run(synced, false)).toMatchObject({ eligible: true, blocker: null, userId: 'u1' });
  });

  it('blocks each ineligible case with its own reason', () => {
    expect(run(null, null).blocker).toBe('not-found');
    expect(run({ ...synced, onPremisesSyncEnabled: null }, true).blocker).toBe('already-transferred');
    expect(run({ ...synced, onPremisesSyncEnabled: null, onPremisesImmutableId: null }, false).blocker).toBe('cloud-native');
    expect(run(synced, false, 'Federated').blocker).toBe('federated-domain');
    expect(run({ ...synced, onPremisesSyncEnabled: null }, false).blocker).toBe('not-synced');
  });

  it('warns (without blocking) about a mail-enabled user with on-premises attributes', () => {
    const result = run({ ...synced, mail: 'alice@contoso.com' }, false);
    expect(result.eligible).toBe(true);
    expect(result.warnings.join(' ')).toMatch(/Exchange/);
  });
});
