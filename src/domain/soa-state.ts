/** The SOA states of a user (docs/soa-and-graph.md §1), derived from three attributes. */
export type SoaState = 'synced' | 'transferred' | 'rolled-back-awaiting-sync' | 'cloud-native' | 'not-found';

/** What the directory tells us about one user, in domain words. */
export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  mail: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesLastSyncDateTime: string | null;
  onPremisesDistinguishedName: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesDomainName: string | null;
  onPremisesUserPrincipalName: string | null;
}

export function classifySoa(user: DirectoryUser | null, isCloudManaged: boolean | null): SoaState {
  if (!user) return 'not-found';
  if (isCloudManaged === true) return 'transferred';
  if (user.onPremisesSyncEnabled === true) return 'synced';
  // Rolled back and cloud-native read the same except for the on-premises anchor.
  return user.onPremisesImmutableId ? 'rolled-back-awaiting-sync' : 'cloud-native';
}

export const SOA_STATE_LABEL: Record<SoaState, string> = {
  synced: 'Synced from AD DS (source of authority: on-premises)',
  transferred: 'Transferred to the cloud (source of authority: Entra ID)',
  'rolled-back-awaiting-sync': 'Rolled back, waiting for the next sync cycle to take it over',
  'cloud-native': 'Cloud-native (never synced from AD DS)',
  'not-found': 'Not found in the directory',
};
