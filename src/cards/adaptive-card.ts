/** An Adaptive Card as JSON (schema 1.5): what the card builders return and the Teams adapter sends. */
export type AdaptiveCard = Record<string, unknown>;
