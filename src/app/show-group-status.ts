import { groupAsTarget } from '../domain/group-preflight';
import { SOA_STATE_LABEL, classifySoa } from '../domain/soa-state';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { entraGroupUrl } from '../cards/links';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { Reply, answered, refusal } from './reply';
import { checkRole } from './role-check';
import { resolveGroup } from './request-group';

/**
 * `status group <name or id>`: read-only, for requesters and approvers. The group's SOA state (the §1
 * table, the SID as anchor), whether it is mail-enabled, and its nested groups still managed in AD DS
 * (Microsoft converts the lowest groups first, docs/soa-and-graph.md §6a).
 */
export async function showGroupStatus(deps: AppDeps, input: { actorId: string; group: string }): Promise<Reply> {
  const allowed = await checkRole(
    deps,
    async () => (await deps.authorization.isRequester(input.actorId)) || (await deps.authorization.isApprover(input.actorId)),
    { useCase: 'show-group-status', actorId: input.actorId },
  );
  if (!allowed.ok) return refusal(allowed.error);
  if (!allowed.value) return refusal({ code: 'REQUESTER.NOT_ALLOWED' });
  try {
    const resolved = await resolveGroup(deps, input.group);
    if (!resolved.ok) return refusal(resolved.error);
    const group = await deps.directory.getGroup(resolved.value.id);
    if (!group) return refusal({ code: 'GROUP.NOT_FOUND', detail: { group: input.group } });
    const isCloudManaged = await deps.directory.getCloudManaged(group.id, 'group');
    const state = classifySoa(groupAsTarget(group), isCloudManaged);
    const nested = await deps.directory.nestedGroups(group.id);
    const inAd = nested.filter((g) => g.onPremisesSyncEnabled === true);
    const lines = [
      `**[${md(group.displayName, 120)}](${entraGroupUrl(group.id)})** (${md(group.id, 40)})`,
      `- State: ${SOA_STATE_LABEL[state]}`,
      `- isCloudManaged: ${String(isCloudManaged)} · onPremisesSyncEnabled: ${String(group.onPremisesSyncEnabled)} · mail-enabled: ${group.mailEnabled ? 'yes (managed in Exchange Online once transferred)' : 'no'}`,
      `- Nested groups: ${nested.length}${
        inAd.length > 0
          ? `; still managed in AD DS: ${inAd
              .slice(0, 20)
              .map((g) => md(g.displayName, 80))
              .join(', ')}${inAd.length > 20 ? ` and ${inAd.length - 20} more` : ''}`
          : ''
      }`,
    ];
    return answered(lines.join('\n'));
  } catch (error) {
    if (error instanceof DirectoryError) {
      return refusal({ code: error.code, detail: { permission: error.details.permission ?? null, reading: 'group' } });
    }
    throw error;
  }
}
