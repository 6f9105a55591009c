/**
 * The Adaptive Card version the cards declare: 1.5 is the newest Teams renders on desktop, web
 * and mobile, and it has Action.Execute (universal actions) for the feedback buttons.
 */
export const CARD_VERSION = '1.5';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** One Adaptive Card element or action as JSON; the cards are checked by the adaptivecards library in tests. */
export type CardJson = Record<string, unknown>;

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardJson[];
  actions?: CardJson[];
  fallbackText?: string;
  /** `entities`: the mentions a card's text carries (`<at>Name</at>`), as Teams reads them on cards. */
  msteams?: { width: 'Full'; entities?: CardJson[] };
}

export function adaptiveCard(body: CardJson[], actions: CardJson[], fallbackText: string): AdaptiveCardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    fallbackText,
    msteams: { width: 'Full' },
  };
}

export function textBlock(text: string, extra: CardJson = {}): CardJson {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

export function cardAttachment(card: AdaptiveCardJson) {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}
