import { randomUUID, timingSafeEqual, KeyObject } from 'node:crypto';
import { certificateInfo, decodeJwt, verifySignature } from './jwt';
import { GRAPH_AUDIENCE, TokenIssuer } from './token-issuer';
import { JWT_BEARER, onBehalfOf } from './on-behalf-of';
import { TenantState } from '../types';

/**
 * Fake Entra ID for MSAL node (what @azure/identity's ClientSecretCredential / ClientCertificateCredential
 * call with authorityHost = the emulator and disableInstanceDiscovery: true):
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration
 *   POST /{tenant}/oauth2/v2.0/token     (client_credentials with client_secret or client_assertion;
 *                                          the on-behalf-of grant of on-behalf-of.ts)
 *   GET  /{tenant}/discovery/v2.0/keys
 */

export interface EntraConfig {
  getTenantId(): string;
  clientId: string;
  clientSecret: string;
  appDisplayName: string;
  clientCertificates: (string | Buffer)[];
  getGrantedRoles(): string[];
  issuer: TokenIssuer;
  /** The tenant's users, role assignments and delegated apps (for the on-behalf-of grant). */
  state: TenantState;
}

export interface PlainResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export class EntraEndpoint {
  private readonly certKeys: { publicKey: KeyObject; x5t: string; x5tS256: string }[];

  constructor(private readonly cfg: EntraConfig) {
    this.certKeys = cfg.clientCertificates.map((pem) => certificateInfo(pem));
  }

  /** null when the path is not an Entra path. */
  handle(method: string, path: string, host: string, rawBody: string): PlainResponse | null {
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/i.exec(
      path,
    );
    if (!m) return null;
    const tenant = decodeURIComponent(m[1]);
    const what = m[2].toLowerCase();
    const tenantId = this.cfg.getTenantId();
    if (tenant.toLowerCase() !== tenantId.toLowerCase()) {
      return this.oauthError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const origin = `https://${host}`;
    if (what.endsWith('openid-configuration') && method === 'GET') return { status: 200, body: this.metadata(origin, tenantId) };
    if (what === 'discovery/v2.0/keys' && method === 'GET') return { status: 200, body: this.cfg.issuer.jwks() };
    if (what === 'oauth2/v2.0/token' && method === 'POST') return this.token(origin, tenantId, rawBody);
    return { status: 405, body: { error: 'invalid_request', error_description: 'Method not allowed.' } };
  }

  private metadata(origin: string, tenantId: string): Record<string, unknown> {
    // MSAL requires authorization_endpoint, token_endpoint, issuer and jwks_uri, and an issuer on the authority's host.
    const base = `${origin}/${tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    };
  }

  private token(origin: string, tenantId: string, rawBody: string): PlainResponse {
    const form = new URLSearchParams(rawBody);
    if (form.get('grant_type') === JWT_BEARER) {
      const obo = onBehalfOf(form, this.cfg.state, this.cfg.issuer, this.cfg.appDisplayName);
      if (!obo.ok) return this.oauthError(obo.status, obo.error, obo.code, obo.message);
      return {
        status: 200,
        body: { token_type: 'Bearer', scope: obo.scope, expires_in: obo.expiresIn, ext_expires_in: obo.expiresIn, access_token: obo.token },
      };
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return this.oauthError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    if (clientId.toLowerCase() !== this.cfg.clientId.toLowerCase()) {
      return this.oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`);
    }
    const scope = (form.get('scope') ?? '').split(' ').find((s) => s.endsWith('/.default'));
    if (!scope || scope.replace(/\/+\.default$/, '') !== GRAPH_AUDIENCE) {
      return this.oauthError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope '${form.get('scope') ?? ''}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!safeEqual(secret, this.cfg.clientSecret)) {
        return this.oauthError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.cfg.clientId}'.`,
        );
      }
    } else if (assertion !== null) {
      const problem = this.checkAssertion(assertion, `${origin}/${tenantId}/oauth2/v2.0/token`);
      if (problem) return this.oauthError(401, 'invalid_client', problem.code, problem.message);
    } else {
      return this.oauthError(
        401,
        'invalid_client',
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      );
    }
    const { token, expiresIn } = this.cfg.issuer.issue({
      tenantId,
      clientId: this.cfg.clientId,
      appDisplayName: this.cfg.appDisplayName,
      roles: this.cfg.getGrantedRoles(),
    });
    return { status: 200, body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token } };
  }

  private checkAssertion(assertion: string, tokenEndpoint: string): { code: number; message: string } | null {
    const jwt = decodeJwt(assertion);
    if (!jwt) return { code: 50027, message: 'JWT token is invalid or malformed.' };
    const p = jwt.payload;
    const key = this.certKeys.find((k) => jwt.header['x5t#S256'] === k.x5tS256 || jwt.header.x5t === k.x5t) ?? null;
    if (!key) {
      return {
        code: 700027,
        message: `Client assertion failed signature validation. The key was not found. Thumbprint of key used by client: '${String(jwt.header['x5t#S256'] ?? jwt.header.x5t)}'.`,
      };
    }
    if (!verifySignature(jwt, key.publicKey)) return { code: 700027, message: 'Client assertion contains an invalid signature.' };
    if (p.iss !== this.cfg.clientId || p.sub !== this.cfg.clientId) {
      return { code: 700023, message: 'Client assertion audience claim does not match Realm issuer.' };
    }
    if (typeof p.aud !== 'string' || p.aud.toLowerCase() !== tokenEndpoint.toLowerCase()) {
      return { code: 700212, message: `No matching federated identity record found for presented assertion audience '${String(p.aud)}'.` };
    }
    if (typeof p.exp !== 'number' || p.exp * 1000 < Date.now()) return { code: 700024, message: 'Client assertion is not within its valid time range.' };
    return null;
  }

  /** AADSTS-style error body, as MSAL parses it (error, error_description, error_codes...). */
  private oauthError(status: number, error: string, code: number, text: string): PlainResponse {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z');
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      },
    };
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
