import { ROLES } from '../auth/permissions';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { pageOf, withNextLink } from '../http/paging';
import { odataContext, projectEntity } from '../http/select';
import { directGroupsOf, transitiveGroupsOf } from '../state/tenant-state';
import { GROUP_PROPS, groupEntity } from './groups';
import { resolveUser } from './users';

/**
 * GET /users/{id}/memberOf[/microsoft.graph.group] (direct) and /transitiveMemberOf[...] (nested too).
 * Our directory objects are only groups, so the cast and the uncast forms list the same objects.
 * Pages with `$top` / `behaviour.pageSize` (`@odata.nextLink` + `$skiptoken`), as Graph does.
 */
function listGroups(transitive: boolean, cast: boolean) {
  return (req: GraphRequest, { id }: Record<string, string>, ctx: GraphContext): GraphResponse => {
    const found = resolveUser(ctx.state, req, id);
    if (!found.ok) return found.response;
    const groups = transitive ? transitiveGroupsOf(ctx.state, found.user.id) : directGroupsOf(ctx.state, found.user.id);
    const value: Record<string, unknown>[] = [];
    let selected: string[] | null = null;
    for (const g of groups) {
      const projected = projectEntity(req, groupEntity(g), { typeName: 'microsoft.graph.group', allowed: GROUP_PROPS, defaults: GROUP_PROPS });
      if (!projected.ok) return projected.response;
      selected = projected.selected;
      value.push(cast ? projected.value : { '@odata.type': '#microsoft.graph.group', ...projected.value });
    }
    const page = pageOf(req, ctx, value);
    if (!page.ok) return page.response;
    const entitySet = cast ? 'groups' : 'directoryObjects';
    return { status: 200, body: withNextLink({ '@odata.context': odataContext(req, entitySet, selected, ''), value: page.value }, page.nextLink) };
  };
}

const segment = (transitive: boolean) => (transitive ? 'transitiveMemberOf' : 'memberOf');

export const userMemberOfRoutes: RouteDefinition[] = [false, true].flatMap((transitive) => [
  {
    method: 'GET',
    pattern: `/users/:id/${segment(transitive)}`,
    anyOfRoles: [...ROLES.membership],
    cost: transitive ? 5 : 2,
    handler: listGroups(transitive, false),
  },
  {
    method: 'GET',
    pattern: `/users/:id/${segment(transitive)}/microsoft.graph.group`,
    anyOfRoles: [...ROLES.membership],
    cost: transitive ? 5 : 2,
    handler: listGroups(transitive, true),
  },
]);
