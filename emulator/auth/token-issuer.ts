import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, createHash } from 'node:crypto';
import { AccessTokenClaims } from '../http/graph-types';
import { certificateInfo, decodeJwt, signRs256, verifySignature } from './jwt';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/**
 * A delegated (user) access token as Entra issues it to Teams for tab SSO: `scp` = the exposed scope,
 * `oid` = the person. v1 tokens have iss https://sts.windows.net/{tid}/, v2 {authority}/{tid}/v2.0.
 */
export interface UserTokenInput {
  tenantId: string;
  /** The tab API's app id (v2 `aud`) or Application ID URI. */
  audience: string;
  oid: string;
  name?: string;
  upn?: string;
  /** Space-separated delegated scopes; null = none (an app-only shaped token). */
  scp?: string | null;
  version?: 1 | 2;
  /** The authority origin, for the v2 issuer (the emulator's own origin by default). */
  authority: string;
  /** Override the issuer entirely (wrong-issuer tests). */
  issuer?: string;
  /** Seconds relative to now. */
  lifetimeSeconds?: number;
  notBeforeSeconds?: number;
  /** Sign with a key added by addSigningKey() (its kid) instead of the default key. */
  kid?: string;
  extraClaims?: Record<string, unknown>;
}

/** Signs access tokens with the emulator's server key and validates them on Graph routes. */
export class TokenIssuer {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
  /** Keys published next to the default one (key rotation): kid -> private key. */
  private readonly extraKeys = new Map<string, KeyObject>();

  constructor(
    tlsKey: string | Buffer,
    tlsCert: string | Buffer,
    private readonly lifetimeSeconds: number,
  ) {
    this.privateKey = createPrivateKey(tlsKey);
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = certificateInfo(tlsCert).x5t;
  }

  issue(input: { tenantId: string; clientId: string; appDisplayName: string; roles: string[] }): { token: string; expiresIn: number } {
    // A stable fake service-principal object id per app, so oid/sub do not change between tokens.
    const spId = uuidFrom(`sp:${input.tenantId}:${input.clientId}`);
    return this.graphToken(input, { idtyp: 'app', oid: spId, sub: spId, roles: [...input.roles] });
  }

  /** A Graph access token for the app in `base`, with what says who it is for (an app, or a person). */
  private graphToken(
    base: { tenantId: string; clientId: string; appDisplayName: string },
    identity: Partial<AccessTokenClaims>,
  ): { token: string; expiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${base.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      tid: base.tenantId,
      appid: base.clientId,
      app_displayname: base.appDisplayName,
      appidacr: '1',
      ...identity,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    } as AccessTokenClaims;
    return { token: signRs256(claims, this.privateKey, { kid: this.kid, x5t: this.kid }), expiresIn: this.lifetimeSeconds };
  }

  /**
   * A delegated user token (tab SSO), signed with the default key or a key added by addSigningKey(),
   * published in the JWKS either way.
   */
  issueUserToken(input: UserTokenInput): string {
    const now = Math.floor(Date.now() / 1000);
    const version = input.version ?? 2;
    const claims: Record<string, unknown> = {
      aud: input.audience,
      iss: input.issuer ?? (version === 1 ? `https://sts.windows.net/${input.tenantId}/` : `${input.authority.replace(/\/+$/, '')}/${input.tenantId}/v2.0`),
      iat: now,
      nbf: now + (input.notBeforeSeconds ?? 0),
      exp: now + (input.lifetimeSeconds ?? this.lifetimeSeconds),
      tid: input.tenantId,
      oid: input.oid,
      sub: uuidFrom(`sub:${input.tenantId}:${input.oid}:${input.audience}`),
      name: input.name ?? 'Demo User',
      ...(version === 1
        ? { upn: input.upn ?? '', unique_name: input.upn ?? '', appid: TEAMS_WEB_CLIENT_ID }
        : { preferred_username: input.upn ?? '', azp: TEAMS_WEB_CLIENT_ID }),
      ...(input.scp === null ? {} : { scp: input.scp ?? 'access_as_user' }),
      uti: randomUUID().replace(/-/g, ''),
      ver: version === 1 ? '1.0' : '2.0',
      ...input.extraClaims,
    };
    const kid = input.kid ?? this.kid;
    const key = kid === this.kid ? this.privateKey : this.extraKeys.get(kid);
    if (!key) throw new Error(`no signing key with kid ${kid}`);
    return signRs256(claims, key, { kid, ...(kid === this.kid ? { x5t: this.kid } : {}) });
  }

  /**
   * A delegated Graph token as Entra returns it from the on-behalf-of grant: the person (oid, upn), the
   * consented scopes (scp), their directory roles (wids, role template ids), the calling app (appid).
   */
  issueDelegatedGraphToken(input: {
    tenantId: string;
    clientId: string;
    appDisplayName: string;
    oid: string;
    upn: string;
    name: string;
    scp: string;
    wids: string[];
  }): { token: string; expiresIn: number } {
    return this.graphToken(input, {
      idtyp: 'user',
      oid: input.oid,
      sub: uuidFrom(`sub:${input.tenantId}:${input.oid}:${input.clientId}`),
      upn: input.upn,
      unique_name: input.upn,
      name: input.name,
      scp: input.scp,
      wids: [...input.wids],
      roles: [],
    });
  }

  /** A user token this stand-in issued (any of its keys), for the tenant, not expired: its claims, or why not. */
  verifyUserToken(token: string, tenantId: string): { ok: true; claims: Record<string, unknown> } | { ok: false; code: number; message: string } {
    const jwt = decodeJwt(token);
    if (!jwt) return { ok: false, code: 50027, message: 'JWT token is invalid or malformed.' };
    const kid = jwt.header.kid;
    const key = kid === this.kid ? this.publicKey : typeof kid === 'string' && this.extraKeys.has(kid) ? createPublicKey(this.extraKeys.get(kid)!) : null;
    if (!key || !verifySignature(jwt, key)) return { ok: false, code: 50013, message: 'Assertion failed signature validation.' };
    const p = jwt.payload;
    if (String(p.tid ?? '').toLowerCase() !== tenantId.toLowerCase()) return { ok: false, code: 50013, message: 'Assertion is not for this tenant.' };
    if (typeof p.exp !== 'number' || p.exp * 1000 < Date.now()) return { ok: false, code: 500133, message: 'Assertion is not within its valid time range.' };
    return { ok: true, claims: p };
  }

  /** Publishes a new RSA signing key in the JWKS (what Entra does when it rotates keys); returns its kid. */
  addSigningKey(): string {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `rotated-${randomUUID().slice(0, 8)}`;
    this.extraKeys.set(kid, privateKey);
    return kid;
  }

  /** Graph's checks: well-formed, our signature, Graph audience, the tenant, not expired. */
  validate(token: string, tenantId: string): { ok: true; claims: AccessTokenClaims } | { ok: false; message: string } {
    const jwt = decodeJwt(token);
    if (!jwt) return { ok: false, message: 'IDX14100: JWT is not well formed, there are no dots (.).' };
    if (!verifySignature(jwt, this.publicKey)) return { ok: false, message: 'Access token validation failure. Invalid signature.' };
    const claims = jwt.payload as AccessTokenClaims;
    if (claims.aud !== GRAPH_AUDIENCE && claims.aud !== `${GRAPH_AUDIENCE}/`) {
      return { ok: false, message: 'Access token validation failure. Invalid audience.' };
    }
    if (String(claims.tid).toLowerCase() !== tenantId.toLowerCase()) {
      return { ok: false, message: 'Access token validation failure. Invalid issuer.' };
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) {
      return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
    }
    if (!Array.isArray(claims.roles)) claims.roles = [];
    return { ok: true, claims };
  }

  /** JWKS for /discovery/v2.0/keys, so a consumer could validate the tokens itself. */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const extra = [...this.extraKeys].map(([kid, key]) => ({
      ...(createPublicKey(key).export({ format: 'jwk' }) as Record<string, unknown>),
      kid,
      use: 'sig',
      alg: 'RS256',
    }));
    return { keys: [{ ...jwk, kid: this.kid, x5t: this.kid, use: 'sig', alg: 'RS256' }, ...extra] };
  }
}

/** Teams web's client id (pre-authorized for tab SSO): the `azp`/`appid` of the tokens Teams obtains. */
export const TEAMS_WEB_CLIENT_ID = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';

/** Deterministic uuid-shaped id from a string (not a real v5 uuid; good enough for fake object ids). */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
