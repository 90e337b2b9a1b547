import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions, TurnContext } from 'botbuilder';
import { Logger } from '../../ports/logger';

export interface BotAdapterOptions {
  appId: string;
  appPassword: string | null;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi';
  tenantId: string | null;
}

/**
 * botbuilder's CloudAdapter. An empty app id turns Bot Framework authentication off: config.ts only
 * allows that with BOT_AUTH_DISABLED=true, and main.ts logs it loudly.
 */
export function createBotAdapter(options: BotAdapterOptions, logger: Logger): CloudAdapter {
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: options.appId,
    MicrosoftAppPassword: options.appPassword ?? undefined,
    MicrosoftAppType: options.appType,
    MicrosoftAppTenantId: options.tenantId ?? undefined,
  };
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: `${error.name}: ${error.message}`.slice(0, 300), activityType: context.activity?.type ?? null }, 'unhandled error in a turn');
    if (context.activity?.type === 'message') {
      await context.sendActivity('Sorry, something went wrong on my side. Nothing was changed by this message; please try again.').catch(() => undefined);
    }
  };
  return adapter;
}
