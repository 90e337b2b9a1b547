import { AdaptiveCardInvokeResponse } from 'botbuilder';
import { AdaptiveCard } from '../../cards/adaptive-card';

/**
 * Invoke answers. Always HTTP 200 (the Universal Actions spec puts errors inside the body); a card
 * goes only to the person who clicked, a message is a short toast.
 */
export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}
