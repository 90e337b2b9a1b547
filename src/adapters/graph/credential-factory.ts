import {
  AzureAuthorityHosts,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';

/** Which kind of app credential was built; start-up warns when it is 'client-secret'. */
export type CredentialKind = 'certificate' | 'client-secret' | 'managed-identity';

export interface CredentialOptions {
  tenantId: string;
  clientId: string;
  /** Path to a PEM file holding the certificate and its private key. Preferred. */
  certificatePath?: string;
  /** Managed identity: `{}` for system-assigned, `{ clientId }` for user-assigned. */
  managedIdentity?: { clientId?: string };
  /** Client secret: last resort (start-up should warn). */
  clientSecret?: string;
  /** https only; default https://login.microsoftonline.com. */
  authorityHost?: string;
  /** Passed to @azure/identity as is (tests use `{ maxRetries: 0 }`). */
  retryOptions?: TokenCredentialOptions['retryOptions'];
}

export interface BuiltCredential {
  credential: TokenCredential;
  kind: CredentialKind;
}

/** A configuration problem found before any network call. Never carries secret values. */
export class CredentialConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialConfigError';
  }
}

/**
 * Builds the app identity's TokenCredential. Precedence: certificate, then managed identity,
 * then client secret. authorityHost and disableInstanceDiscovery are always passed so that
 * MSAL never contacts anything but the configured authority.
 */
export function createCredential(options: CredentialOptions): BuiltCredential {
  const authorityHost = (options.authorityHost ?? AzureAuthorityHosts.AzurePublicCloud).replace(/\/+$/, '');
  if (!/^https:\/\//i.test(authorityHost)) {
    throw new CredentialConfigError('authorityHost must be an https URL');
  }
  const common = {
    authorityHost,
    disableInstanceDiscovery: true,
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  };
  const needTenantAndClient = (): void => {
    if (!options.tenantId) throw new CredentialConfigError('tenantId is required');
    if (!options.clientId) throw new CredentialConfigError('clientId is required');
  };

  if (options.certificatePath) {
    needTenantAndClient();
    return {
      kind: 'certificate',
      credential: new ClientCertificateCredential(options.tenantId, options.clientId, { certificatePath: options.certificatePath }, common),
    };
  }
  if (options.managedIdentity) {
    const miClientId = options.managedIdentity.clientId;
    // ManagedIdentityCredential does not use instance discovery; its options type has no such flag.
    const miOptions: TokenCredentialOptions & { clientId?: string } = {
      authorityHost,
      ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
      ...(miClientId ? { clientId: miClientId } : {}),
    };
    return { kind: 'managed-identity', credential: new ManagedIdentityCredential(miOptions) };
  }
  if (options.clientSecret) {
    needTenantAndClient();
    return {
      kind: 'client-secret',
      credential: new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, common),
    };
  }
  throw new CredentialConfigError('No Graph credential configured: set a certificate path, a managed identity or a client secret');
}
