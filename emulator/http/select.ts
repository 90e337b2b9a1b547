import { badRequest } from './graph-errors';
import { GraphRequest, GraphResponse } from './graph-types';

/**
 * OData $select as Graph applies it: only the selected properties plus id; unknown names are a 400
 * (catches typos in the adapter's $select); without $select only the entity's default properties.
 */
export function projectEntity(
  req: GraphRequest,
  entity: Record<string, unknown>,
  spec: { typeName: string; allowed: readonly string[]; defaults: readonly string[] },
): { ok: true; value: Record<string, unknown>; selected: string[] | null } | { ok: false; response: GraphResponse } {
  const raw = req.query['$select'];
  let names: string[];
  let selected: string[] | null = null;
  if (raw !== undefined && raw.trim() !== '') {
    names = [];
    for (const part of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const canonical = spec.allowed.find((a) => a.toLowerCase() === part.toLowerCase());
      if (!canonical) {
        return {
          ok: false,
          response: badRequest(req, `Could not find a property named '${part}' on type '${spec.typeName}'.`, 'BadRequest'),
        };
      }
      names.push(canonical);
    }
    selected = [...names];
    if (!names.includes('id')) names.push('id');
  } else {
    names = [...spec.defaults];
  }
  const value: Record<string, unknown> = {};
  for (const n of names) value[n] = entity[n] ?? null;
  return { ok: true, value, selected };
}

/** '@odata.context' like Graph's, e.g. https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)/$entity */
export function odataContext(req: GraphRequest, entitySet: string, selected: string[] | null, suffix = '/$entity'): string {
  const sel = selected ? `(${selected.join(',')})` : '';
  return `https://graph.microsoft.com/${req.version}/$metadata#${entitySet}${sel}${suffix}`;
}
