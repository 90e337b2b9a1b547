import type { HeldRole } from '../../domain/preflight';
import { asObject, str, type BodySource } from './graph-body';
import { malformedBody, type GraphOperation } from './graph-error-mapper';
import { odataString } from './graph-paths';

/**
 * The two questions of the role-holder preflight (docs/soa-and-graph.md §6b), shared by the single-call
 * and the batching directories: a user's active directory role assignments and its PIM eligibilities,
 * each with the role's name ($expand=roleDefinition). Direct assignments only (principalId = the user);
 * the first page is enough, since one role already blocks. Both need RoleManagement.Read.Directory
 * (Directory.Read.All covers the assignments but not the eligibilities, per Microsoft's reference).
 */
export const ROLE_QUESTIONS: readonly { op: GraphOperation; kind: HeldRole['kind']; collection: string }[] = [
  { op: 'listRoleAssignments', kind: 'active', collection: '/roleManagement/directory/roleAssignments' },
  { op: 'listRoleEligibilities', kind: 'eligible', collection: '/roleManagement/directory/roleEligibilityScheduleInstances' },
];

export function roleQueryUrl(collection: string, userId: string): string {
  return `${collection}?$filter=${encodeURIComponent(`principalId eq '${odataString(userId)}'`)}&$expand=roleDefinition`;
}

export function toHeldRoles(body: unknown, kind: HeldRole['kind'], source: BodySource): HeldRole[] {
  const value = asObject(body)?.value;
  if (!Array.isArray(value)) throw malformedBody(source.op, source.status, source.requestId);
  return value.map((item) => {
    const o = asObject(item);
    const roleDefinitionId = str(o?.roleDefinitionId);
    if (!o || !roleDefinitionId) throw malformedBody(source.op, source.status, source.requestId);
    return { roleDefinitionId, displayName: str(asObject(o.roleDefinition)?.displayName) ?? roleDefinitionId, kind };
  });
}
