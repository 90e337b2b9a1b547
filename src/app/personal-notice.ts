import { ChatMessage } from '../ports/chat';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';

/**
 * A message to one person in their personal chat with the bot, when the bot knows it (they wrote to
 * it there once). With `onceKey`, sent at most once whatever the retries, restarts or instances: the
 * key is taken just before the post. Never throws: a person the bot cannot reach still sees the thread.
 */
export async function tellPersonally(deps: AppDeps, aadObjectId: string, message: ChatMessage, onceKey?: string): Promise<boolean> {
  try {
    const key = await deps.conversations.personalChatOf(aadObjectId);
    if (!key) return false;
    if (onceKey && !(await deps.conversations.claimOnce(`personal:${onceKey}:${aadObjectId.toLowerCase()}`, deps.clock.now().toISOString()))) return false;
    await deps.chat.post(key, message);
    return true;
  } catch (error) {
    deps.logger.warn({ personId: aadObjectId, err: errorSummary(error) }, 'could not send a personal message');
    return false;
  }
}
