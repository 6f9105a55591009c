import type { ResolvedCitation } from '../../../engine/types';
import { plainText } from '../text';

/** Teams shows at most this many characters of a citation's abstract. */
export const CITATION_ABSTRACT_MAX = 160;
const CITATION_NAME_MAX = 80;

/**
 * The entity Teams reads to label a message "AI generated" and to turn its `[n]` markers into
 * citation pills (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-ai-bot-messages).
 * Only citations whose marker appears in the text are attached: every pill needs its marker.
 */
export function aiMessageEntity(text: string, citations: ResolvedCitation[]) {
  const used = new Set([...text.matchAll(/\[(\d{1,3})\]/g)].map((m) => Number(m[1])));
  return {
    type: 'https://schema.org/Message',
    '@type': 'Message',
    '@context': 'https://schema.org',
    '@id': '',
    additionalType: ['AIGeneratedContent'],
    citation: citations
      .filter((c) => used.has(c.n))
      .map((c) => ({
        '@type': 'Claim',
        position: c.n,
        appearance: {
          '@type': 'DigitalDocument',
          name: plainText(c.title, CITATION_NAME_MAX),
          url: c.url,
          abstract: plainText(c.quote ? `"${c.quote}"` : [c.publisher, c.locator].filter(Boolean).join(', ') || c.title, CITATION_ABSTRACT_MAX),
        },
      })),
  };
}
