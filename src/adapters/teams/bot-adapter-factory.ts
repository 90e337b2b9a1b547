import * as fs from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions, TurnContext } from 'botbuilder';
import { AuthenticationConstants, GovernmentConstants, MsalServiceClientCredentialsFactory, ServiceClientCredentialsFactory } from 'botframework-connector';
import { Logger } from '../../ports/logger';
import { AuthenticatingCloudAdapter } from './authenticating-cloud-adapter';

export interface BotAdapterOptions {
  appId: string;
  appPassword: string | null;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi';
  tenantId: string | null;
  /** SHA-1 thumbprint (hex) and PEM private key file of the bot's certificate, instead of a password. */
  certificate?: { thumbprint: string; privateKeyPath: string } | null;
  /** botbuilder's `ChannelService`; `https://botframework.azure.us` selects the US Government built-ins. */
  channelService?: string | null;
  /** botbuilder's endpoint settings (all of them, see config.ts), for other clouds and local test issuers. */
  endpoints?: Readonly<
    Record<
      | 'ToBotFromChannelOpenIdMetadataUrl'
      | 'ToBotFromChannelTokenIssuer'
      | 'ToChannelFromBotLoginUrl'
      | 'ToChannelFromBotOAuthScope'
      | 'ToBotFromEmulatorOpenIdMetadataUrl'
      | 'OAuthUrl'
      | 'CallerId',
      string
    >
  > | null;
}

/** Hosts of Microsoft's Entra login in every cloud: MSAL knows them and needs no `knownAuthorities`. */
const MICROSOFT_LOGIN_DOMAINS = ['microsoftonline.com', 'microsoftonline.us', 'microsoftonline.cn', 'chinacloudapi.cn', 'microsoft.com', 'windows.net'];

export function isMicrosoftLoginHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return MICROSOFT_LOGIN_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * botbuilder's CloudAdapter with Bot Framework authentication from our settings. An empty app id turns
 * authentication off: config.ts only allows that with BOT_AUTH_DISABLED=true, and main.ts logs it loudly.
 *
 * Inbound: tokens must come from the channel issuer (`ToBotFromChannelTokenIssuer`), signed by a key of
 * `ToBotFromChannelOpenIdMetadataUrl` that endorses msteams; see AuthenticatingCloudAdapter.
 * Outbound: tokens come from `ToChannelFromBotLoginUrl`. For a login host that is not Microsoft's (a
 * local Entra in tests, or a private authority), MSAL must be told that the authority is known, or it
 * asks login.microsoftonline.com for instance discovery: we inject our own ConfidentialClientApplication.
 */
export function createBotAdapter(options: BotAdapterOptions, logger: Logger): AuthenticatingCloudAdapter {
  const endpoints = options.endpoints ?? null;
  const certificate = options.certificate ?? null;
  const privateKey = certificate ? fs.readFileSync(certificate.privateKeyPath, 'utf8') : null;
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: options.appId,
    MicrosoftAppPassword: certificate ? undefined : (options.appPassword ?? undefined),
    MicrosoftAppType: options.appType,
    MicrosoftAppTenantId: options.tenantId ?? undefined,
    ...(options.channelService ? { ChannelService: options.channelService } : {}),
    ...(endpoints ?? {}),
    ...(certificate && privateKey ? { CertificateThumbprint: certificate.thumbprint, CertificatePrivateKey: privateKey } : {}),
  };
  const credentialsFactory = customAuthorityCredentials(options, privateKey);
  const authentication = new ConfigurationBotFrameworkAuthentication(
    settings,
    credentialsFactory,
    // Defence in depth: the signing key must also endorse msteams (we only accept channelId msteams).
    { requiredEndorsements: ['msteams'] },
  );
  const adapter = new AuthenticatingCloudAdapter(authentication, {
    authEnabled: Boolean(options.appId),
    channelTokenIssuer: endpoints?.ToBotFromChannelTokenIssuer ?? defaultChannelIssuer(options.channelService ?? null),
  });
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: `${error.name}: ${error.message}`.slice(0, 300), activityType: context.activity?.type ?? null }, 'unhandled error in a turn');
    if (context.activity?.type === 'message') {
      await context.sendActivity('Sorry, something went wrong on my side. Nothing was changed by this message; please try again.').catch(() => undefined);
    }
  };
  return adapter;
}

function defaultChannelIssuer(channelService: string | null): string {
  return channelService && channelService.replace(/\/+$/, '') === GovernmentConstants.ChannelService
    ? GovernmentConstants.ToBotFromChannelTokenIssuer
    : AuthenticationConstants.ToBotFromChannelTokenIssuer;
}

/** undefined = botbuilder's own credentials factory (Microsoft login hosts, managed identity). */
function customAuthorityCredentials(options: BotAdapterOptions, privateKey: string | null): ServiceClientCredentialsFactory | undefined {
  const loginUrl = options.endpoints?.ToChannelFromBotLoginUrl;
  if (!options.appId || !loginUrl) return undefined;
  const authority = new URL(loginUrl);
  if (isMicrosoftLoginHost(authority.hostname)) return undefined;
  if (options.appType === 'UserAssignedMsi') {
    throw new Error(`BOT_TYPE=UserAssignedMsi cannot get tokens from ${authority.host}: a managed identity only works with Microsoft's Entra login hosts.`);
  }
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: options.appId,
      authority: loginUrl,
      knownAuthorities: [authority.host],
      ...(options.certificate && privateKey
        ? { clientCertificate: { thumbprint: options.certificate.thumbprint, privateKey } }
        : { clientSecret: options.appPassword ?? '' }),
    },
  });
  // botframework-connector is typed against its own (older) copy of @azure/msal-node; it only calls
  // acquireTokenByClientCredential, which both versions have with the same shape.
  return new MsalServiceClientCredentialsFactory(options.appId, client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
}
