import { createRemoteJWKSet, errors, jwtVerify, JWTPayload } from 'jose';
import { Logger } from '../../ports/logger';
import { TabIdentity, UserTokenVerifier } from '../../ports/user-token-verifier';

export interface EntraUserTokenVerifierOptions {
  /** The one tenant whose people may call (GRAPH_TENANT_ID). */
  tenantId: string;
  /** TAB_APP_ID: the tab API's app registration (client) id. */
  appId: string;
  /** TAB_APP_ID_URI: api://<fqdn>/<app id>; null = only the app id is accepted as audience. */
  appIdUri: string | null;
  /** TAB_AUTHORITY_HOST: https://login.microsoftonline.com, a national cloud, or the local stand-in. */
  authorityHost: string;
  /** Scope the token must carry (Expose an API). */
  scope?: string;
  /** Allowed clock difference for exp/nbf. */
  clockToleranceSeconds?: number;
  /** At most one JWKS download per this long when a token names an unknown kid (rotation). */
  jwksCooldownMs?: number;
  /** Keys are fetched again after this long even when every kid is known. */
  jwksCacheMaxAgeMs?: number;
  logger: Logger;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Entra SSO access tokens for the tab API, checked with jose: RS256 only, signature from the tenant's
 * JWKS ({authority}/{tid}/discovery/v2.0/keys; an unknown kid fetches the keys again, at most once per
 * cooldown), issuer v1 (https://sts.windows.net/{tid}/) or v2 ({authority}/{tid}/v2.0) of the configured
 * tenant only, audience the tab app id or its Application ID URI, exp/nbf with a small skew, `tid` the
 * tenant, a delegated `scp` containing access_as_user (app-only tokens have none), `oid` a GUID.
 * Failures are logged by reason class only: never the token or its claims.
 */
export class EntraUserTokenVerifier implements UserTokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuers: string[];
  private readonly audiences: string[];
  private readonly tenantId: string;
  private readonly scope: string;

  constructor(private readonly options: EntraUserTokenVerifierOptions) {
    const authority = options.authorityHost.replace(/\/+$/, '');
    const tenant = options.tenantId.toLowerCase();
    this.tenantId = tenant;
    this.scope = options.scope ?? 'access_as_user';
    this.issuers = [v1IssuerFor(authority, tenant), `${authority}/${tenant}/v2.0`];
    this.audiences = [options.appId, ...(options.appIdUri ? [options.appIdUri] : [])];
    this.jwks = createRemoteJWKSet(new URL(`${authority}/${tenant}/discovery/v2.0/keys`), {
      cooldownDuration: options.jwksCooldownMs ?? 5 * 60_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 60 * 60_000,
      timeoutDuration: 5_000,
    });
  }

  async verify(token: string): Promise<TabIdentity | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 16_384) return this.refuse('malformed');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['RS256'],
        issuer: this.issuers,
        audience: this.audiences,
        clockTolerance: this.options.clockToleranceSeconds ?? 120,
        requiredClaims: ['exp', 'iat', 'tid', 'oid'],
      }));
    } catch (error) {
      return this.refuse(reasonOf(error));
    }
    const tid = typeof payload.tid === 'string' ? payload.tid.toLowerCase() : '';
    if (tid !== this.tenantId) return this.refuse('tenant');
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (payload.idtyp === 'app' || !scopes.includes(this.scope)) return this.refuse('scope');
    const oid = typeof payload.oid === 'string' ? payload.oid : '';
    if (!GUID.test(oid)) return this.refuse('subject');
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 200) : '';
    return { oid: oid.toLowerCase(), tenantId: tid, name: name || 'Unknown user' };
  }

  private refuse(reason: string): null {
    this.options.logger.info({ reason }, 'tab token refused');
    return null;
  }
}

/** Entra's v1 issuer host: sts.windows.net, except in Azure China (21Vianet). */
export function v1IssuerFor(authority: string, tenantId: string): string {
  const host = new URL(authority).hostname.toLowerCase();
  const sts = host === 'login.chinacloudapi.cn' || host === 'login.partner.microsoftonline.cn' ? 'https://sts.chinacloudapi.cn' : 'https://sts.windows.net';
  return `${sts}/${tenantId}/`;
}

/** A reason class for the log: enough to diagnose a deployment, nothing from the token itself. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim:${String(error.claim).slice(0, 20)}`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown-key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'jwks-unavailable';
  if (error instanceof errors.JOSEError) return `jose:${error.code}`.slice(0, 40);
  return 'jwks-unavailable';
}
