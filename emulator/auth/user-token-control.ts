import { ControlResponse } from '../control-http';
import { TenantState } from '../types';
import { TokenIssuer } from './token-issuer';

/**
 * POST /_control/user-token {user, audience, version?, scp?}: a delegated SSO token for a user of the
 * emulated tenant (by UPN, UPN local part such as "rita", or object id), as Teams would hand it to a
 * tab; for the playground's tab host page and out-of-process tests. Local only, like all of /_control.
 */
export function mintUserTokenOverHttp(issuer: TokenIssuer, state: TenantState, authority: string, body: unknown): ControlResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  const who = typeof b.user === 'string' ? b.user.toLowerCase() : '';
  const audience = typeof b.audience === 'string' ? b.audience : '';
  const version = b.version === 1 ? 1 : b.version === undefined || b.version === 2 ? 2 : null;
  if (!who || !audience || version === null)
    return { status: 400, body: { error: 'expected {"user": upn | name | id, "audience": app id or api:// URI, "version"?: 1 | 2}' } };
  const user = [...state.users.values()].find(
    (u) => u.id.toLowerCase() === who || u.userPrincipalName.toLowerCase() === who || u.userPrincipalName.toLowerCase().split('@')[0] === who,
  );
  if (!user) return { status: 404, body: { error: `no user "${who}" in the emulated tenant` } };
  const token = issuer.issueUserToken({
    tenantId: state.tenantId,
    authority,
    audience,
    oid: user.id,
    name: user.displayName ?? user.userPrincipalName,
    upn: user.userPrincipalName,
    version,
    ...(typeof b.scp === 'string' || b.scp === null ? { scp: b.scp as string | null } : {}),
  });
  return { status: 200, body: { token, oid: user.id, upn: user.userPrincipalName } };
}
