import { SoaRequest } from './soa-request';

/** Where a card action or a typed command came from: the conversation and the message it answers. */
export interface ActionPlace {
  conversationId: string;
  /** The message the action belongs to (a card click carries the card's activity id); null for typed text. */
  replyToId: string | null;
}

/**
 * A Teams channel addresses each thread as `<channel id>;messageid=<root message id>`; a card the bot
 * posts at the top of a channel starts its own thread, and clicks on it arrive from that thread.
 * Conversations are compared by their channel (or chat) part; the message itself is pinned by activity id.
 */
export function conversationBase(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i < 0 ? conversationId : conversationId.slice(0, i);
}

function sameConversation(a: string, b: string): boolean {
  return a.length > 0 && conversationBase(a) === conversationBase(b);
}

/** The request's card was posted in this conversation, or it is the requester's origin conversation. */
export function conversationHoldsRequest(request: SoaRequest, conversationId: string): boolean {
  if (!conversationId) return false;
  return [...request.cards.map((c) => c.conversationKey), request.origin.conversationKey].some((key) => sameConversation(key, conversationId));
}

/**
 * A card action (click or Action.Submit fallback) belongs to this request when it answers one of the
 * request's own card messages: same conversation and replyToId = that card's activity id. Before any
 * card location is known (the post failed), only the origin conversation qualifies.
 */
export function comesFromRequestCard(request: SoaRequest, place: ActionPlace): boolean {
  if (request.cards.length === 0) return conversationHoldsRequest(request, place.conversationId);
  if (!place.replyToId) return false;
  return request.cards.some((c) => c.activityId === place.replyToId && sameConversation(c.conversationKey, place.conversationId));
}
