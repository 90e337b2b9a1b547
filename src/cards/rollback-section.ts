import { CloudReference } from '../domain/preflight';
import { TransferRequest } from '../domain/transfer-request';
import { entraGroupUrl } from './links';

type Element = Record<string, unknown>;

/** The Graph call a Global Administrator makes (delegated; the bot's app identity cannot). */
export function safeguardCall(tenantId: string, enabled: boolean): string {
  return `PATCH https://graph.microsoft.com/beta/directory/onPremisesSynchronization/${tenantId} {"features":{"blockCloudObjectTakeoverThroughHardMatchEnabled":${enabled}}}`;
}

export function safeguardPowerShell(enabled: boolean): string {
  return `Set-EntraDirSyncFeature -Features BlockCloudObjectTakeoverThroughHardMatch -Enabled $${enabled}`;
}

/** The checklist step of a rollback card: what a person must do, and who confirmed it. */
export function safeguardChecklist(request: TransferRequest, tenantId: string): Element[] {
  const done = request.safeguard;
  const items: Element[] = [
    { type: 'TextBlock', text: 'Checklist before execution', weight: 'Bolder', spacing: 'Medium', wrap: true },
    {
      type: 'TextBlock',
      wrap: true,
      text: done
        ? `✅ Tenant safeguard confirmed off by ${done.confirmedBy.name} at ${done.at.slice(0, 16).replace('T', ' ')} UTC.`
        : '⬜ A Global Administrator switches off the tenant safeguard blockCloudObjectTakeoverThroughHardMatchEnabled, so that AD DS can take the users back. The bot cannot check or change it; a person confirms it here.',
    },
  ];
  if (!done) {
    items.push({
      type: 'TextBlock',
      wrap: true,
      isSubtle: true,
      size: 'Small',
      text: `Graph (Global Administrator, delegated, e.g. Graph Explorer): \`${safeguardCall(tenantId, false)}\` · PowerShell: \`${safeguardPowerShell(false)}\`. Switch it back on after the sync client has taken the users over.`,
    });
  }
  return items;
}

export function referencesText(references: CloudReference[] | undefined): string {
  if (!references || references.length === 0) return '';
  return references
    .map((r) => {
      const packages = r.accessPackages.length > 0 ? `; used by access package(s): ${r.accessPackages.map((p) => `${p.displayName} (catalog ${p.catalogName})`).join(', ')}` : '';
      return `cloud-managed group [${r.groupName}](${entraGroupUrl(r.groupId)})${packages}`;
    })
    .join(' · ');
}
