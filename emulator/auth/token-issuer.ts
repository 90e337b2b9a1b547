import { createPrivateKey, createPublicKey, KeyObject, randomUUID, createHash } from 'node:crypto';
import { AccessTokenClaims } from '../http/graph-types';
import { certificateInfo, decodeJwt, signRs256, verifySignature } from './jwt';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/** Signs access tokens with the emulator's server key and validates them on Graph routes. */
export class TokenIssuer {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;

  constructor(tlsKey: string | Buffer, tlsCert: string | Buffer, private readonly lifetimeSeconds: number) {
    this.privateKey = createPrivateKey(tlsKey);
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = certificateInfo(tlsCert).x5t;
  }

  issue(input: { tenantId: string; clientId: string; appDisplayName: string; roles: string[] }): { token: string; expiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    // A stable fake service-principal object id per app, so oid/sub do not change between tokens.
    const spId = uuidFrom(`sp:${input.tenantId}:${input.clientId}`);
    const claims: AccessTokenClaims = {
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${input.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.lifetimeSeconds,
      tid: input.tenantId,
      appid: input.clientId,
      app_displayname: input.appDisplayName,
      appidacr: '1',
      idtyp: 'app',
      oid: spId,
      sub: spId,
      roles: [...input.roles],
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    };
    return { token: signRs256(claims, this.privateKey, { kid: this.kid, x5t: this.kid }), expiresIn: this.lifetimeSeconds };
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
    return { keys: [{ ...jwk, kid: this.kid, x5t: this.kid, use: 'sig', alg: 'RS256' }] };
  }
}

/** Deterministic uuid-shaped id from a string (not a real v5 uuid; good enough for fake object ids). */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
