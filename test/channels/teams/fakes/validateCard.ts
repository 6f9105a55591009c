import type * as AdaptiveCardsModule from 'adaptivecards';
import type { Activity } from 'botbuilder';

// The package's ES module build has extension-less imports node cannot load; its UMD bundle is the same library.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

/**
 * Problems the adaptivecards library finds in a card: parse warnings (unknown element or action
 * types, invalid property values), validation failures (missing required properties, duplicate
 * ids), a declared version newer than 1.5, and actions the library does not know.
 */
export function cardProblems(json: unknown): string[] {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  const declared = (json as { version?: string }).version ?? '';
  if (!/^1\.[0-5]$/.test(declared)) problems.push(`version ${declared} is not one Teams renders everywhere (1.0-1.5)`);
  if ((json as { type?: string }).type !== 'AdaptiveCard') problems.push('not an AdaptiveCard');
  return problems;
}

/** Every Action.OpenUrl url in a card (selectAction included). */
export function openUrls(json: unknown): string[] {
  const urls: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.OpenUrl' && typeof o.url === 'string') urls.push(o.url);
      Object.values(o).forEach(walk);
    }
  };
  walk(json);
  return urls;
}

/** All TextBlock texts of a card, in order. */
export function cardTexts(json: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') texts.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(json);
  return texts;
}

/** The card a sent activity carries ({ body: [] } when it has none). */
export function cardOf<C extends { body: unknown[] } = { body: unknown[] }>(activity: Partial<Activity>): C {
  return (activity.attachments?.[0]?.content as C) ?? ({ body: [] } as unknown as C);
}

/** Every text of a sent activity's card, one per line. */
export const textOf = (activity: Partial<Activity>): string => cardTexts(cardOf(activity)).join('\n');

/** The messages among the activities a turn sent (typing and invoke responses left out). */
export const messagesOf = (sent: Array<Partial<Activity>>): Array<Partial<Activity>> => sent.filter((a) => a.type === 'message');
