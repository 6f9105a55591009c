/**
 * Slack mrkdwn safety. `&`, `<` and `>` are Slack's control characters: `<!channel>`, `<@U…>`
 * and `<url|label>` only exist when they are written raw, so escaping them in every piece of
 * user, knowledge-base or LLM text means only code can emit a mention or a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack turns bare URLs and domains in text into links, so URLs in text that did not come
 * from a knowledge-base citation (user questions, LLM wording) are removed, not just escaped.
 */
export function withoutUrls(text: string): string {
  return text.replace(/\b(?:https?:\/\/|www\.)[^\s<>|]+/gi, '[link removed]');
}

/** Escaped, link-free text: what every piece of answer text goes through. */
export function safeText(text: string): string {
  return escapeMrkdwn(withoutUrls(text));
}

/**
 * For plain_text objects (headers, button labels): Slack does not parse them, but angle
 * brackets there would still read like a mention, so they become look-alike quotes.
 */
export function plainText(text: string, max: number): string {
  return truncate(text.replace(/</g, '‹').replace(/>/g, '›').replace(/\s+/g, ' ').trim(), max);
}

/** Cuts to `max` characters with an ellipsis, never inside an `&amp;` entity. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const amp = text.lastIndexOf('&', cut);
  if (amp !== -1 && amp > cut - 6 && !text.slice(amp, cut).includes(';')) cut = amp;
  return `${text.slice(0, cut)}…`;
}

/**
 * A link that only code may build: an http(s) URL (from the knowledge base) and an escaped
 * label. `|` and `>` in the URL would end the link early, so they are percent-encoded.
 */
export function mrkdwnLink(url: string, label: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return safeText(label);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return safeText(label);
  const href = parsed.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
  return `<${href}|${safeText(label).replace(/\|/g, '¦')}>`;
}

/**
 * Splits already-escaped mrkdwn into chunks of at most `max` characters: at line ends when
 * possible, then at spaces, and never inside an entity or a `<…>` link.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    cut = safeCut(rest, cut);
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length || !chunks.length) chunks.push(rest);
  return chunks;
}

/** Moves a cut point back out of an `&…;` entity or a `<…>` link. */
function safeCut(text: string, cut: number): number {
  const open = text.lastIndexOf('<', cut - 1);
  if (open !== -1 && text.indexOf('>', open) >= cut && open > 0) return open;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp < 6 && text.indexOf(';', amp) >= cut && amp > 0) return amp;
  return cut;
}
