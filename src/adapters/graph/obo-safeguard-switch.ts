import { AzureAuthorityHosts, OnBehalfOfCredential } from '@azure/identity';
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../../ports/logger';
import { SafeguardSwitch, SafeguardSwitchError } from '../../ports/safeguard-switch';
import { asObject } from './graph-body';
import { createGraphClient, defaultGraphScope, DEFAULT_GRAPH_BASE_URL } from './graph-client-factory';
import { mapThrownError } from './graph-error-mapper';

/** Microsoft's permissions reference for PATCH /directory/onPremisesSynchronization/{id}: delegated only. */
export const SAFEGUARD_DELEGATED_PERMISSION = 'OnPremDirectorySynchronization.ReadWrite.All';

export interface OboSafeguardSwitchOptions {
  tenantId: string;
  /** The app registration the person's SSO token was issued to (the tab API's), and its secret. */
  clientId: string;
  clientSecret: string;
  authorityHost?: string;
  graphBaseUrl?: string;
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * SafeguardSwitch through Microsoft Graph on behalf of the signed-in person (@azure/identity's
 * OnBehalfOfCredential, MSAL's acquireTokenOnBehalfOf underneath): PATCH the feature, then GET it back.
 * The beta path, as Microsoft's how-to uses it. A new credential per call, so no token of the person
 * outlives the call; nothing about the token is logged.
 */
export class OboSafeguardSwitch implements SafeguardSwitch {
  private readonly scope: string;

  constructor(private readonly options: OboSafeguardSwitchOptions) {
    this.scope = defaultGraphScope(options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\.default$/, SAFEGUARD_DELEGATED_PERMISSION);
  }

  async set(userAssertion: string, enabled: boolean): Promise<{ enabled: boolean; requestId: string | null }> {
    const o = this.options;
    // Honoured at run time but missing from OnBehalfOfCredential's option types (the app credential passes it too).
    const noDiscovery = { disableInstanceDiscovery: true };
    const credential = new OnBehalfOfCredential({
      tenantId: o.tenantId,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      userAssertionToken: userAssertion,
      authorityHost: (o.authorityHost ?? AzureAuthorityHosts.AzurePublicCloud).replace(/\/+$/, ''),
      retryOptions: { maxRetries: 0 },
      ...noDiscovery,
    });
    const client = createGraphClient({
      credential,
      baseUrl: o.graphBaseUrl,
      apiVersion: 'beta',
      scopes: [this.scope],
      maxRetries: 1,
      timeoutMs: o.timeoutMs,
      logger: o.logger,
    });
    const path = `/directory/onPremisesSynchronization/${encodeURIComponent(o.tenantId)}`;
    const written = await this.send(client, path, 'PATCH', { features: { blockCloudObjectTakeoverThroughHardMatchEnabled: enabled } });
    const read = await this.send(client, path, 'GET');
    let value: unknown;
    try {
      value = asObject(asObject(JSON.parse(read.text))?.features)?.blockCloudObjectTakeoverThroughHardMatchEnabled;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'boolean')
      throw new SafeguardSwitchError('failed', 'the safeguard could not be read back', { status: read.status, requestId: read.requestId });
    o.logger?.info({ enabled, readBack: value, requestId: written.requestId }, 'tenant safeguard switched on behalf of a person');
    return { enabled: value, requestId: written.requestId };
  }

  private async send(
    client: Client,
    path: string,
    method: 'GET' | 'PATCH',
    body?: unknown,
  ): Promise<{ status: number; requestId: string | null; text: string }> {
    let response: Response;
    try {
      const req = client.api(path).responseType(ResponseType.RAW);
      response = (await (method === 'GET' ? req.get() : req.patch(body))) as Response;
    } catch (err) {
      const mapped = mapThrownError('setCloudManaged', err);
      // The on-behalf-of exchange failed (consent, an expired or foreign token): the person's sign-in.
      if (mapped.code === 'GRAPH.AUTH_FAILED') throw new SafeguardSwitchError('sign-in-failed', 'the on-behalf-of exchange was refused');
      throw new SafeguardSwitchError('failed', `Graph call failed (${mapped.code})`);
    }
    const requestId = response.headers.get('request-id');
    const text = await response.text().catch(() => '');
    if (response.status === 403) throw new SafeguardSwitchError('not-global-admin', 'Graph refused the delegated call (403)', { status: 403, requestId });
    if (response.status === 401) throw new SafeguardSwitchError('sign-in-failed', 'Graph refused the delegated token (401)', { status: 401, requestId });
    if (!response.ok) throw new SafeguardSwitchError('failed', `Graph answered ${response.status}`, { status: response.status, requestId });
    return { status: response.status, requestId, text };
  }
}
