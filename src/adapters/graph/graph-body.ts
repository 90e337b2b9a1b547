import type { DirectoryUser } from '../../domain/soa-state';
import { malformedBody, type GraphOperation } from './graph-error-mapper';

/**
 * Reading Graph response bodies into domain values, shared by the single-call and the batching
 * directories so a user or an SOA flag is read the same way whichever path fetched it.
 */
export type Json = Record<string, unknown>;

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const boolOrNull = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

export function asObject(v: unknown): Json | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

/** Where the body came from, for the error when it cannot be read. */
export interface BodySource {
  op: GraphOperation;
  status: number;
  requestId: string | null;
}

export function toDirectoryUser(body: unknown, source: BodySource): DirectoryUser {
  const o = asObject(body);
  const id = str(o?.id);
  const upn = str(o?.userPrincipalName);
  if (!o || !id || !upn) throw malformedBody(source.op, source.status, source.requestId);
  return {
    id,
    userPrincipalName: upn,
    displayName: str(o.displayName),
    mail: str(o.mail),
    onPremisesSyncEnabled: boolOrNull(o.onPremisesSyncEnabled),
    onPremisesImmutableId: str(o.onPremisesImmutableId),
    onPremisesLastSyncDateTime: str(o.onPremisesLastSyncDateTime),
    onPremisesDistinguishedName: str(o.onPremisesDistinguishedName),
    onPremisesSamAccountName: str(o.onPremisesSamAccountName),
    onPremisesSecurityIdentifier: str(o.onPremisesSecurityIdentifier),
    onPremisesDomainName: str(o.onPremisesDomainName),
    onPremisesUserPrincipalName: str(o.onPremisesUserPrincipalName),
  };
}

/** isCloudManaged from the bare object or the docs' {"value": {...}} shape. */
export function toIsCloudManaged(body: unknown, source: BodySource): boolean {
  const o = asObject(body);
  const inner = o && asObject(o.value) ? (asObject(o.value) as Json) : o;
  if (!inner || typeof inner.isCloudManaged !== 'boolean') throw malformedBody(source.op, source.status, source.requestId);
  return inner.isCloudManaged;
}
