import { createSign, generateKeyPairSync, KeyObject } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Bot Connector's token service (login.botframework.com): serves OpenID
 * metadata and a JWKS whose keys carry `endorsements`, like Microsoft's, and signs RS256 channel tokens
 * ({iss, aud, serviceurl, nbf, exp}) with keys generated at start. The bot is pointed at it with
 * ToBotFromChannelOpenIdMetadataUrl / ToBotFromChannelTokenIssuer, so botbuilder's real validation runs.
 *
 * Keys: `trusted` (published, endorses msteams), `webchat` (published, endorses only webchat), and
 * `unpublished` (never in the JWKS; used for forged signatures, with its own kid or the trusted kid).
 */
export type IssuerKey = 'trusted' | 'webchat' | 'unpublished';

export interface TokenOptions {
  audience: string;
  serviceUrl: string;
  issuer?: string;
  key?: IssuerKey;
  /** kid in the header; defaults to the key's own (a forged token may claim the trusted key's kid). */
  kid?: string;
  /** Negative for an already expired token. */
  expiresInSeconds?: number;
  /** Extra or replacement claims (e.g. `ver`, `appid` for an Emulator-shaped token). */
  claims?: Record<string, unknown>;
}

const KIDS: Record<IssuerKey, string> = { trusted: 'test-msteams-key', webchat: 'test-webchat-key', unpublished: 'test-unpublished-key' };
const ENDORSEMENTS: Record<Exclude<IssuerKey, 'unpublished'>, string[]> = { trusted: ['msteams'], webchat: ['webchat'] };

export class BotTokenIssuer {
  /** Not Microsoft's value on purpose: proves ToBotFromChannelTokenIssuer is honoured. */
  readonly issuer = 'https://api.botframework.test';
  readonly kids = KIDS;
  url = '';
  metadataUrl = '';
  /** Requests for metadata and keys (botbuilder caches them per metadata URL). */
  fetches = 0;
  private readonly keys: Record<IssuerKey, KeyObject> = {
    trusted: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    webchat: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    unpublished: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  };
  private server: http.Server | null = null;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.metadataUrl = `${this.url}/v1/.well-known/openidconfiguration`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  token(options: TokenOptions): string {
    const key = options.key ?? 'trusted';
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.expiresInSeconds ?? 3600;
    const payload = {
      serviceurl: options.serviceUrl,
      nbf: Math.min(now, now + expiresIn) - 300,
      exp: now + expiresIn,
      iss: options.issuer ?? this.issuer,
      aud: options.audience,
      ...options.claims,
    };
    const header = { alg: 'RS256', typ: 'JWT', kid: options.kid ?? KIDS[key], x5t: options.kid ?? KIDS[key] };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.keys[key]).toString('base64url');
    return `${signingInput}.${signature}`;
  }

  private jwks(): { keys: Record<string, unknown>[] } {
    return {
      keys: (Object.keys(ENDORSEMENTS) as (keyof typeof ENDORSEMENTS)[]).map((name) => {
        const { n, e, kty } = this.keys[name].export({ format: 'jwk' }) as Record<string, string>;
        return { kty, use: 'sig', kid: KIDS[name], x5t: KIDS[name], n, e, endorsements: ENDORSEMENTS[name] };
      }),
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, {});
    if (req.url === '/v1/.well-known/openidconfiguration') {
      this.fetches++;
      return json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.url}/v1/.well-known/authorize`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.url === '/v1/.well-known/keys') {
      this.fetches++;
      return json(200, this.jwks());
    }
    json(404, {});
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
