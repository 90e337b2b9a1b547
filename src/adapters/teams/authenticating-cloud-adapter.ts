import { Activity, CloudAdapter, InvokeResponse, TurnContext } from 'botbuilder';
import { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';

/** Any reason to refuse an inbound request; always answered 401 with no handler run. */
export class InboundAuthError extends Error {
  constructor(readonly reason: string) {
    super(`Unauthorized: ${reason}`);
    this.name = 'InboundAuthError';
  }
}

export interface InboundAuthPolicy {
  /** false only with an empty app id (BOT_AUTH_DISABLED=true, local development). */
  authEnabled: boolean;
  /** The issuer of tokens the Bot Connector signs for channel traffic (`ToBotFromChannelTokenIssuer`). */
  channelTokenIssuer: string;
}

/**
 * CloudAdapter split in two steps, so that authentication happens exactly once and before anything else:
 *
 * 1. `authenticate` runs botbuilder's own validation (issuer, signature with the OpenID keys, audience =
 *    app id, lifetime with 5 min tolerance, `serviceurl` claim = activity.serviceUrl, key endorsement for
 *    the activity's channel) and turns every failure into InboundAuthError. CloudAdapter.process would
 *    answer 500 for some of them (a bad signature surfaces as a JsonWebTokenError, not an
 *    AuthenticationError). On top of botbuilder we accept only Teams traffic signed as channel traffic:
 *    botbuilder would also accept Bot Framework Emulator and skill tokens, which a Teams bot never gets.
 * 2. `runAuthenticated` runs the turn with that result and returns the invoke response (processActivityDirect
 *    would drop it, and card actions need it).
 */
export class AuthenticatingCloudAdapter extends CloudAdapter {
  constructor(
    authentication: BotFrameworkAuthentication,
    private readonly policy: InboundAuthPolicy,
  ) {
    super(authentication);
  }

  get authEnabled(): boolean {
    return this.policy.authEnabled;
  }

  async authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    if (this.policy.authEnabled) {
      if (!/^Bearer \S+$/.test(authHeader)) throw new InboundAuthError('no Bearer token in the Authorization header');
      if (activity.channelId !== 'msteams') throw new InboundAuthError('the activity is not from the msteams channel');
      // botbuilder compares the serviceurl claim only when the activity has a serviceUrl.
      if (!activity.serviceUrl) throw new InboundAuthError('the activity has no serviceUrl');
    }
    let result: AuthenticateRequestResult;
    try {
      result = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      throw new InboundAuthError(describe(error));
    }
    if (this.policy.authEnabled) {
      const identity = result.claimsIdentity;
      if (!identity?.isAuthenticated) throw new InboundAuthError('the token was not authenticated');
      if (identity.getClaimValue('iss') !== this.policy.channelTokenIssuer) {
        throw new InboundAuthError('the token was not issued by the Bot Connector for channel traffic');
      }
    }
    return result;
  }

  runAuthenticated(result: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(result, activity, logic);
  }
}

/** botbuilder's and jsonwebtoken's messages say what failed without quoting the token. */
function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : 'unknown error';
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
