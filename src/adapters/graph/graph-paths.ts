import { DirectoryError } from '../../ports/directory';

/** Doubles every single quote, as OData string literals require (O'Brien -> O''Brien). */
export function odataString(value: string): string {
  return value.replace(/'/g, "''");
}

/**
 * Escapes characters that would change the URL's meaning. `#` (guest UPNs: `#EXT#`) becomes %23;
 * `%`, `?`, `/` and `\` cannot occur in a UPN or object id and are escaped so that no input can
 * leave the users collection or start a query string.
 */
function escapeSegment(value: string): string {
  return value.replace(/[%#?/\\]/g, (c) => encodeURIComponent(c));
}

/**
 * Path of a user by UPN or object id: `/users/{key}`, or the key form `/users('{key}')` when the
 * UPN starts with `$` (otherwise Graph reads it as a system query option or segment).
 */
export function userPath(upnOrId: string): string {
  const key = upnOrId.trim();
  if (key === '' || key === '.' || key === '..') {
    throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty or invalid user key', { status: null });
  }
  if (key.startsWith('$')) return `/users('${escapeSegment(odataString(key))}')`;
  return `/users/${escapeSegment(key)}`;
}

/** Path of a verified domain by name. */
export function domainPath(domain: string): string {
  const name = domain.trim().toLowerCase();
  if (name === '' || name === '.' || name === '..') {
    throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty or invalid domain name', { status: null });
  }
  return `/domains/${encodeURIComponent(name)}`;
}

/** `$filter` for audit records of one object, by activity prefix, since a time. */
export function auditFilter(objectId: string, activityPrefix: string, since: string): string {
  const time = new Date(since);
  if (Number.isNaN(time.getTime())) {
    throw new DirectoryError('GRAPH.BAD_REQUEST', 'Invalid audit start time', { status: null });
  }
  return (
    `startswith(activityDisplayName,'${odataString(activityPrefix)}')` +
    ` and targetResources/any(t:t/id eq '${odataString(objectId)}')` +
    ` and activityDateTime ge ${time.toISOString()}`
  );
}

/** Path of a group by object id (escaped like a user key; groups have no UPN-style key). */
export function groupPath(groupId: string): string {
  const key = groupId.trim();
  if (key === '' || key === '.' || key === '..') {
    throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty or invalid group id', { status: null });
  }
  return `/groups/${escapeSegment(key)}`;
}

/** Path of an entitlement-management catalog by id. */
export function catalogPath(catalogId: string): string {
  const key = catalogId.trim();
  if (key === '' || key === '.' || key === '..') {
    throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty or invalid catalog id', { status: null });
  }
  return `/identityGovernance/entitlementManagement/catalogs/${escapeSegment(key)}`;
}

/** `$filter` for a catalog's resources that stand for one directory object (e.g. a group). */
export function originIdFilter(objectId: string): string {
  return `originId eq '${odataString(objectId)}'`;
}

/** `$filter` for the access packages of one catalog. */
export function catalogIdFilter(catalogId: string): string {
  return `catalog/id eq '${odataString(catalogId)}'`;
}
