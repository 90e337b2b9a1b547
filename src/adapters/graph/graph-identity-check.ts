import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import { IdentityCheck, IdentityReport } from '../../ports/identity-check';
import type { CredentialKind } from './credential-factory';

/**
 * Obtains a Graph token with the bot's credential and reads the application permissions from its
 * `roles` claim. The token is decoded, never verified (it came straight from Entra over TLS) and
 * never logged or returned.
 */
export class GraphIdentityCheck implements IdentityCheck {
  constructor(
    private readonly credential: TokenCredential,
    private readonly options: { scope: string; credentialKind: CredentialKind; certificatePath?: string },
  ) {}

  async check(): Promise<IdentityReport> {
    const certificateNotAfter = this.certificateNotAfter();
    try {
      const token = await this.credential.getToken(this.options.scope);
      if (!token) throw new Error('no token returned');
      return { tokenObtained: true, error: null, credentialKind: this.options.credentialKind, roles: rolesOf(token.token), certificateNotAfter };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Keep the AADSTS code and the first sentence: enough to act on, no payloads.
      const reason = (/AADSTS\d+[^.\n]*/.exec(message)?.[0] ?? message.split('\n')[0]).slice(0, 200);
      return { tokenObtained: false, error: reason, credentialKind: this.options.credentialKind, roles: [], certificateNotAfter };
    }
  }

  private certificateNotAfter(): string | null {
    if (this.options.credentialKind !== 'certificate' || !this.options.certificatePath) return null;
    try {
      const pem = readFileSync(this.options.certificatePath, 'utf8');
      const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
      return cert ? new Date(new X509Certificate(cert).validTo).toISOString() : null;
    } catch {
      return null;
    }
  }
}

function rolesOf(jwt: string): string[] {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}
