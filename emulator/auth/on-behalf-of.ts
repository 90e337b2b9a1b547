import { timingSafeEqual } from 'node:crypto';
import { TenantState } from '../types';
import { GRAPH_AUDIENCE, TokenIssuer } from './token-issuer';

/**
 * The OAuth 2.0 on-behalf-of grant of the local Entra stand-in (what MSAL's acquireTokenOnBehalfOf and
 * @azure/identity's OnBehalfOfCredential send):
 *   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, requested_token_use=on_behalf_of,
 *   client_id + client_secret of a registered delegated app, assertion = a user token this stand-in issued
 *   whose audience is that app (its id or an api://.../{id} URI), scope = Graph scopes or /.default.
 * Answers a delegated Graph token: scp = the requested scopes the app was consented for, wids = the
 * person's ACTIVE directory role template ids. App-only assertions (no scp) are refused, as Entra does.
 */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type OboAnswer =
  { ok: true; token: string; expiresIn: number; scope: string } | { ok: false; status: number; error: string; code: number; message: string };

export function onBehalfOf(form: URLSearchParams, state: TenantState, issuer: TokenIssuer, appDisplayName: string): OboAnswer {
  const fail = (status: number, error: string, code: number, message: string): OboAnswer => ({ ok: false, status, error, code, message });
  if (form.get('requested_token_use') !== 'on_behalf_of')
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'requested_token_use'.");
  const clientId = (form.get('client_id') ?? '').toLowerCase();
  const app = state.delegatedApps.find((a) => a.clientId.toLowerCase() === clientId);
  if (!app) return fail(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${state.tenantId}'.`);
  const secret = form.get('client_secret');
  if (secret === null || !safeEqual(secret, app.clientSecret)) return fail(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
  const assertion = form.get('assertion');
  if (!assertion) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'assertion'.");
  const verified = issuer.verifyUserToken(assertion, state.tenantId);
  if (!verified.ok) return fail(400, 'invalid_grant', verified.code, verified.message);
  const c = verified.claims;
  const aud = String(c.aud ?? '').toLowerCase();
  if (aud !== clientId && !(aud.startsWith('api://') && aud.endsWith(`/${clientId}`))) {
    return fail(400, 'invalid_grant', 50013, 'Assertion audience does not match the Client app presenting the assertion.');
  }
  if (typeof c.scp !== 'string' || c.idtyp === 'app') return fail(400, 'invalid_grant', 50013, 'Assertion is not a delegated user token.');
  const oid = String(c.oid ?? '');
  const user = state.users.get(oid.toLowerCase());
  if (!user) return fail(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  const graphScopes = requested.filter((s) => s.startsWith(`${GRAPH_AUDIENCE}/`)).map((s) => s.slice(GRAPH_AUDIENCE.length + 1));
  if (graphScopes.length === 0)
    return fail(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid: '${form.get('scope') ?? ''}'.`);
  const consented = new Set(app.consentedScopes.map((s) => s.toLowerCase()));
  const granted = graphScopes.includes('.default') ? app.consentedScopes : graphScopes;
  const missing = granted.filter((s) => !consented.has(s.toLowerCase()));
  if (missing.length > 0 || granted.length === 0) {
    return fail(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${app.clientId}'. Send an interactive authorization request for this user and resource.`,
    );
  }
  const wids = [
    ...new Set(
      state.roleAssignments
        .filter((a) => a.kind === 'active' && a.principalId.toLowerCase() === user.id.toLowerCase())
        .map((a) => a.roleDefinitionId.toLowerCase()),
    ),
  ];
  const scp = granted.join(' ');
  const { token, expiresIn } = issuer.issueDelegatedGraphToken({
    tenantId: state.tenantId,
    clientId: app.clientId,
    appDisplayName,
    oid: user.id,
    upn: user.userPrincipalName,
    name: user.displayName ?? user.userPrincipalName,
    scp,
    wids,
  });
  return { ok: true, token, expiresIn, scope: granted.map((s) => `${GRAPH_AUDIENCE}/${s}`).join(' ') };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
