import { Activity, ActivityHandler, ActivityTypes, TurnContext } from 'botbuilder';
import { Logger } from '../../ports/logger';
import { AuthenticatingCloudAdapter, InboundAuthError } from './authenticating-cloud-adapter';
import { channelInfo } from './conversation-tracker';
import { UserRateLimiter } from './user-rate-limiter';
import { describeError } from '../../app/wording';
import { messageResponse } from './card-invoke';

/** What the HTTP layer hands over for POST /api/messages (body already parsed and size-limited). */
export interface BotHttpRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface BotHttpResponse {
  status: number;
  body?: unknown;
}

export type BotRequestHandler = (request: BotHttpRequest) => Promise<BotHttpResponse>;

export interface BotRequestHandlerOptions {
  adapter: AuthenticatingCloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  /** Per-person limit on message and invoke activities (shared budget); null = none. */
  rateLimiter: UserRateLimiter | null;
  /** Only traffic of these tenants counts against (and is told about) the rate limit; the bot ignores the rest. */
  allowedTenantIds: string[];
}

/**
 * POST /api/messages: authenticate first (every failure is a 401 and no handler runs), then one turn.
 * Replaces CloudAdapter.process, which would validate the same token again and answer 500 for some
 * authentication failures.
 */
export function createBotRequestHandler(options: BotRequestHandlerOptions): BotRequestHandler {
  const { adapter, bot, logger, rateLimiter } = options;
  const allowedTenants = new Set(options.allowedTenantIds.map((t) => t.toLowerCase()));

  const logic = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    const tenantId = channelInfo(activity).tenantId?.toLowerCase();
    // Messages (commands and Action.Submit fallbacks) and invokes (card clicks, refreshes) share one budget per person.
    const limited = activity.type === ActivityTypes.Message || activity.type === ActivityTypes.Invoke;
    if (rateLimiter && limited && tenantId && allowedTenants.has(tenantId)) {
      const key = (activity.from?.aadObjectId || activity.from?.id || 'unknown').toLowerCase();
      const decision = rateLimiter.take(key);
      if (decision !== 'allow') {
        const text = describeError({ code: 'USER.RATE_LIMITED', detail: { seconds: rateLimiter.secondsLeft(key) } });
        if (activity.type === ActivityTypes.Invoke) {
          // An invoke needs an answer anyway: the notice goes in it (no outbound send), every time.
          logger.warn({ user: key, decision }, 'rate limit: card action not served');
          await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: messageResponse(text) } });
          return;
        }
        logger.warn({ user: key, decision }, 'rate limit: message not served');
        if (decision === 'warn') await context.sendActivity(text);
        return;
      }
    }
    await bot.run(context);
  };

  return async (request) => {
    const activity = toActivity(request.body);
    if (!activity) return { status: 400 };
    let authorization = request.headers.authorization ?? '';
    if (Array.isArray(authorization)) authorization = authorization.join(',');

    let authenticated;
    try {
      authenticated = await adapter.authenticate(activity, authorization);
    } catch (error) {
      const reason = error instanceof InboundAuthError ? error.reason : 'authentication failed';
      logger.warn({ reason, activityType: activity.type.slice(0, 40) }, 'request to /api/messages refused: 401');
      return { status: 401 };
    }

    const invokeResponse = await adapter.runAuthenticated(authenticated, activity, logic);
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
  };
}

/** The checks and date fixes of botbuilder's (unexported) validateAndFixActivity. */
function toActivity(body: unknown): Activity | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || !activity.type) return null;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field] as string);
    }
  }
  return activity as unknown as Activity;
}
