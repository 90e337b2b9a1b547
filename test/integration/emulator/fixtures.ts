import { cloudUser, rolledBackUser, syncedUser, TenantSeed, transferredUser } from '../../../emulator';

/** A small tenant for the emulator's own tests; each user is in one SOA state of docs/soa-and-graph.md §1. */
export const IDS = {
  synced: '11111111-1111-4111-8111-111111111111',
  transferred: '22222222-2222-4222-8222-222222222222',
  rolledBack: '33333333-3333-4333-8333-333333333333',
  cloud: '44444444-4444-4444-8444-444444444444',
  guest: '55555555-5555-4555-8555-555555555555',
  dollar: '66666666-6666-4666-8666-666666666666',
  quote: '77777777-7777-4777-8777-777777777777',
  groupA: 'aaaaaaaa-0000-4000-8000-00000000000a',
  groupB: 'bbbbbbbb-0000-4000-8000-00000000000b',
  syncedGroup: 'cccccccc-0000-4000-8000-00000000000c',
};

export const GUEST_UPN = 'pat_partner.example#EXT#@contoso.onmicrosoft.com';
export const DOLLAR_UPN = '$svc-backup@contoso.com';
export const QUOTE_UPN = "o'brien@contoso.com";

export function testTenant(): TenantSeed {
  return {
    domains: [
      { id: 'contoso.com', authenticationType: 'Managed' },
      { id: 'fabrikam.com', authenticationType: 'Federated' },
    ],
    users: [
      syncedUser({ id: IDS.synced, userPrincipalName: 'sam@contoso.com', displayName: 'Sam Synced' }),
      transferredUser({ id: IDS.transferred, userPrincipalName: 'tina@contoso.com', displayName: 'Tina Transferred' }),
      rolledBackUser({ id: IDS.rolledBack, userPrincipalName: 'rob@contoso.com', displayName: 'Rob Rolledback' }),
      cloudUser({ id: IDS.cloud, userPrincipalName: 'cleo@contoso.com', displayName: 'Cleo Cloud' }),
      cloudUser({ id: IDS.guest, userPrincipalName: GUEST_UPN, displayName: 'Pat Partner' }),
      syncedUser({ id: IDS.dollar, userPrincipalName: DOLLAR_UPN, displayName: 'Backup Service' }),
      syncedUser({ id: IDS.quote, userPrincipalName: QUOTE_UPN, displayName: "Orla O'Brien" }),
    ],
    groups: [
      // groupB is nested in groupA, so sam is a transitive (not direct) member of groupA.
      { id: IDS.groupA, displayName: 'Group A', members: [IDS.groupB, IDS.cloud] },
      { id: IDS.groupB, displayName: 'Group B', members: [IDS.synced] },
      { id: IDS.syncedGroup, displayName: 'Synced Group', onPremisesSyncEnabled: true, onPremisesImmutableId: 'Z3JvdXA=', members: [IDS.synced] },
    ],
  };
}
