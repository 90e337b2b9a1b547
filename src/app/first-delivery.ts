import { AppDeps } from './app-deps';

/**
 * Teams re-delivers an activity whose turn was slow (the same conversation and activity id): the first
 * delivery is handled, the others are ignored and logged. The claim is durable and shared by every
 * instance (the conversation store's once keys), so a redelivery to another instance is caught too. An
 * activity without an id cannot be recognised again and is always handled.
 */
export async function isFirstDelivery(deps: AppDeps, activity: { conversationId: string; activityId: string | null }): Promise<boolean> {
  if (!activity.activityId) return true;
  const first = await deps.conversations.claimOnce(`activity:${activity.conversationId}:${activity.activityId}`, deps.clock.now().toISOString());
  if (!first) deps.logger.info({ activityId: activity.activityId }, 'duplicate delivery ignored');
  return first;
}
