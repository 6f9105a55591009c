/**
 * Text normalisation shared by the knowledge check and the router, so an alias is compared in
 * the same form in which a question is read.
 */

/** Slack and Teams markup that is not part of what the user asked. */
const PLATFORM_MARKUP: Array<[RegExp, string]> = [
  [/<@[A-Z0-9]+(\|[^>]*)?>/g, ' '], // Slack user mentions
  [/<![a-z]+(\^[^>]*)?(\|[^>]*)?>/gi, ' '], // <!channel>, <!here>, <!subteam^...>
  [/<#[A-Z0-9]+(\|[^>]*)?>/g, ' '], // channel links
  [/<(https?:[^|>]+)\|([^>]*)>/g, ' $2 '], // <url|label>
  [/<\/?at>/gi, ' '], // Teams <at> tags
  [/<[^>]{1,200}>/g, ' '], // leftover HTML tags
  [/&amp;/g, '&'],
  [/&lt;/g, '<'],
  [/&gt;/g, '>'],
  [/&nbsp;/g, ' '],
];

export function stripMarkup(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PLATFORM_MARKUP) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Lowercase, accents removed, punctuation to spaces (keeping no characters a user could use to
 * smuggle markup), whitespace folded. "RDS's  Multi-AZ?" -> "rds s multi az".
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]s\b/g, '') // possessives: "aws's" -> "aws"
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Control characters (except tab/newline) and zero-width characters removed. */
export function removeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, '');
}

/**
 * Every question's words are stemmed by each phrase dictionary that reads them (a dozen or
 * more per question), so each word's stem is worked out once.
 */
const stems = new Map<string, string>();

/**
 * A light plural stemmer for phrase matching, applied to both the dictionary and the question
 * so "data centers" meets "data center" and "security groups" meets "security group". Short
 * words (service names such as "rds", "ecs") and endings that are not plurals stay as they are.
 */
export function stemToken(token: string): string {
  if (token.length <= 3) return token;
  let stem = stems.get(token);
  if (stem === undefined) {
    stem = stemOf(token);
    // Questions reuse a small vocabulary; the bound only keeps junk input from growing it.
    if (stems.size >= 50_000) stems.clear();
    stems.set(token, stem);
  }
  return stem;
}

function stemOf(token: string): string {
  if (/(ss|us|is)$/.test(token)) return token;
  if (/(ches|shes|xes|sses)$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (token.endsWith('s')) return token.slice(0, -1);
  return token;
}
