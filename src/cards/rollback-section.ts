import { CloudReference, HeldRole } from '../domain/preflight';
import { SafeguardWindow, SoaRequest } from '../domain/soa-request';
import { entraGroupUrl, safeguardSwitchUrl } from './links';
import { TEXT_LIMITS, TextLimits } from './card-budget';
import { escapeMarkdown as md, markdownLink } from './markdown-text';

type Element = Record<string, unknown>;

/** The Graph call a Global Administrator makes (delegated; the bot's app identity cannot). */
export function safeguardCall(tenantId: string, enabled: boolean): string {
  return `PATCH https://graph.microsoft.com/beta/directory/onPremisesSynchronization/${tenantId} {"features":{"blockCloudObjectTakeoverThroughHardMatchEnabled":${enabled}}}`;
}

export function safeguardPowerShell(enabled: boolean): string {
  return `Set-EntraDirSyncFeature -Features BlockCloudObjectTakeoverThroughHardMatch -Enabled $${enabled}`;
}

/**
 * The checklist step of a rollback card: what a person must do, and who confirmed it. With `switchAppId`
 * (SAFEGUARD_SWITCH=obo, the Teams app id) it also offers the switch through the tab, signed in with Teams.
 */
export function safeguardChecklist(request: SoaRequest, tenantId: string, limits: TextLimits = TEXT_LIMITS[0], switchAppId: string | null = null): Element[] {
  const done = request.safeguard;
  const items: Element[] = [
    { type: 'TextBlock', text: 'Checklist before execution', weight: 'Bolder', spacing: 'Medium', wrap: true },
    {
      type: 'TextBlock',
      wrap: true,
      text: done
        ? `✅ Tenant safeguard confirmed off by ${md(done.confirmedBy.name, limits.person)} at ${md(done.at.slice(0, 16).replace('T', ' '))} UTC.`
        : '⬜ A Global Administrator switches off the tenant safeguard blockCloudObjectTakeoverThroughHardMatchEnabled, so that AD DS can take the users back. The bot cannot check or change it; a person confirms it here.',
    },
  ];
  if (request.safeguardWindow) items.push({ type: 'TextBlock', wrap: true, size: 'Small', text: safeguardWindowText(request.safeguardWindow, limits) });
  if (!done && switchAppId && (request.status === 'pending' || request.status === 'awaiting-safeguard')) {
    items.push({
      type: 'ActionSet',
      actions: [{ type: 'Action.OpenUrl', title: 'Switch the safeguard off', url: safeguardSwitchUrl(switchAppId, request.id, false) }],
    });
    items.push({
      type: 'TextBlock',
      wrap: true,
      isSubtle: true,
      size: 'Small',
      text: 'Global Administrators only: opens SOA Bot in Teams, signed in as you; the bot switches it as you and reads it back. Or do it by hand:',
    });
  }
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

/** Group, access package and catalog names come from the directory: escaped and capped. */
export function referencesText(references: CloudReference[] | undefined, limits: TextLimits = TEXT_LIMITS[0]): string {
  if (!references || references.length === 0) return '';
  const shown = references.slice(0, limits.maxReferences).map((r) => {
    const packages = r.accessPackages
      .slice(0, limits.maxReferences)
      .map((p) => `${md(p.displayName, limits.reference)} (catalog ${md(p.catalogName, limits.reference)})`);
    if (r.accessPackages.length > packages.length) packages.push(`${r.accessPackages.length - packages.length} more`);
    const used = packages.length > 0 ? `; used by access package(s): ${packages.join(', ')}` : '';
    return `cloud-managed group ${markdownLink(r.groupName, entraGroupUrl(r.groupId), limits.reference)}${used}`;
  });
  if (references.length > shown.length) shown.push(`${references.length - shown.length} more cloud-managed group(s)`);
  return shown.join(' · ');
}

/** The directory roles that block a rollback (docs/soa-and-graph.md §6b): names from the directory, escaped. */
export function heldRolesText(roles: HeldRole[] | undefined, limits: TextLimits = TEXT_LIMITS[0]): string {
  if (!roles || roles.length === 0) return '';
  const shown = roles.slice(0, limits.maxReferences).map((r) => `${md(r.displayName, limits.reference)} (${r.kind})`);
  if (roles.length > shown.length) shown.push(`${roles.length - shown.length} more role(s)`);
  return `Roles: ${shown.join(', ')}.`;
}

/** The window during which the tenant was unprotected (safeguard off), as recorded on the request. */
export function safeguardWindowText(w: SafeguardWindow, limits: TextLimits = TEXT_LIMITS[0]): string {
  const at = (iso: string) => `${md(iso.slice(0, 16).replace('T', ' '))} UTC`;
  const off = w.offAt ? `Safeguard switched off at ${at(w.offAt)} by ${md(w.offBy?.name ?? 'unknown', limits.person)}` : 'Safeguard switched off by hand';
  const on = w.onAt ? `back on at ${at(w.onAt)} by ${md(w.onBy?.name ?? 'unknown', limits.person)}` : 'not yet back on: the tenant is unprotected';
  return `🛡️ ${off}; ${on}.`;
}

/**
 * The one-click reminder after a rollback (SAFEGUARD_SWITCH=obo): who switched the safeguard off, and the
 * button that opens the tab on "switch it back on" (any Global Administrator may press it).
 */
export function safeguardOnCard(request: SoaRequest, switchAppId: string, limits: TextLimits = TEXT_LIMITS[0]): Record<string, unknown> {
  const who = request.safeguardWindow?.offBy?.name ?? request.safeguard?.confirmedBy.name ?? null;
  const body: Element[] = [
    { type: 'TextBlock', wrap: true, weight: 'Bolder', text: `Rollback ${md(request.id, 40)}: switch the tenant safeguard back on` },
    {
      type: 'TextBlock',
      wrap: true,
      text: `${who ? `${md(who, limits.person)} or any` : 'Any'} Global Administrator: the tenant is unprotected until blockCloudObjectTakeoverThroughHardMatchEnabled is on again. I will keep reminding until it is.`,
    },
  ];
  if (request.safeguardWindow) body.push({ type: 'TextBlock', wrap: true, size: 'Small', text: safeguardWindowText(request.safeguardWindow, limits) });
  body.push({
    type: 'ActionSet',
    actions: [{ type: 'Action.OpenUrl', title: 'Switch the safeguard back on', url: safeguardSwitchUrl(switchAppId, request.id, true) }],
  });
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body };
}
