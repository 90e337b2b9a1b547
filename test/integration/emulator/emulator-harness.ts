import { ClientCertificateCredential, ClientSecretCredential, TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { join } from 'node:path';
import { EmulatorOptions, RunningEmulator, startGraphEmulator } from '../../../emulator';

/**
 * Test harness: a running emulator plus the REAL @azure/identity credential and Graph client wired to
 * it the way the bot's adapter does (authorityHost, disableInstanceDiscovery, customHosts).
 */
export const CERTS_DIR = join(__dirname, '..', '..', 'certs');

export function secretCredential(emu: RunningEmulator, secret = emu.clientSecret): ClientSecretCredential {
  // maxRetries 0: a failing token call should fail now, not after identity's ~5 s of retries.
  return new ClientSecretCredential(emu.tenantId, emu.clientId, secret, {
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
  });
}

export function certificateCredential(emu: RunningEmulator, certificatePath = join(CERTS_DIR, 'client-cert-and-key.pem')): ClientCertificateCredential {
  return new ClientCertificateCredential(emu.tenantId, emu.clientId, certificatePath, {
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
  });
}

export function graphClient(emu: RunningEmulator, options: { credential?: TokenCredential; version?: 'v1.0' | 'beta' } = {}): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(options.credential ?? secretCredential(emu), {
    scopes: ['https://graph.microsoft.com/.default'],
  });
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: `${emu.baseUrl}/`,
    defaultVersion: options.version ?? 'v1.0',
    customHosts: new Set(['localhost']),
  });
}

/** Start an emulator that is closed after the current describe block. */
export function useEmulator(options: EmulatorOptions = {}): { emu: () => RunningEmulator; graph: () => Client } {
  let emu: RunningEmulator | null = null;
  let client: Client | null = null;
  beforeAll(async () => {
    emu = await startGraphEmulator(options);
    client = graphClient(emu);
  });
  afterAll(async () => {
    await emu?.close();
  });
  beforeEach(() => emu?.control.reset());
  return {
    emu: () => emu as RunningEmulator,
    graph: () => client as Client,
  };
}

/** The GraphError the client throws, with the fields tests assert on. */
export async function graphFailure(
  p: Promise<unknown>,
): Promise<{ statusCode: number; code: string | null; message: string; requestId: string | null; body: unknown; headers?: Headers }> {
  try {
    await p;
  } catch (e) {
    const err = e as { statusCode: number; code: string | null; message: string; requestId: string | null; body: unknown; headers?: Headers };
    return err;
  }
  throw new Error('expected the Graph call to fail');
}
