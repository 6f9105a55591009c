import type { Answer } from '../engine/types';
import { removeControlCharacters } from '../text/normalize';
import { findContradiction } from './contradiction';
import type { ModelOutput } from './parseOutput';
import { MAX_EXPLANATION_CHARS, MIN_EXPLANATION_CHARS, SYSTEM_INSTRUCTIONS } from './prompt';
import type { Subject } from './subjects';

export interface VerifyInput {
  output: ModelOutput;
  answer: Answer;
  subjects: Subject[];
  question: string;
  /** Every URL of the knowledge base's sources: the only ones text may contain. */
  knowledgeBaseUrls: Set<string>;
  /** Strings that must never appear in what users see (the API key). */
  secrets: string[];
}

export type VerifyResult = { ok: true; text: string } | { ok: false; reason: string; detail?: string };

/** Slack and Teams mentions, broadcasts and markup; only code may emit these. */
const MENTION_PATTERNS: Array<[RegExp, string]> = [
  [/<\s*[!@#]/, 'slack_markup'],
  [/<\s*\/?\s*(at|a|img|script|iframe|span|div|p|br)\b/i, 'html_markup'],
  [/@\s*(here|channel|everyone|all|team|group|room)\b/i, 'broadcast'],
  [/(^|[^\w.])@[\w.-]+/, 'mention'],
  [/&(lt|gt|amp|#\d+|#x[0-9a-f]+);/i, 'encoded_markup'],
  [/\[[^\]]*\]\(\s*[^)\s]*\)/, 'markdown_link'],
];

const URL_PATTERN = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"'`)\]]+/gi;
const SCHEME_PATTERN = /\b(?:javascript|data|file|mailto|tel|vbscript|ftp|sftp|ssh|slack|msteams):/i;
const BARE_DOMAIN = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|io|ai|dev|app|co|info|biz|xyz|ru|cn|me|ly|gl|to|sh|link|site|online|top|tk|us|uk|de|aws|cloud|click|zip|mov|page)\b(?:\/[^\s]*)?/gi;

/** Runs every check; the first failure is the reason the template stays. */
export function verifyPhrasing(input: VerifyInput): VerifyResult {
  const text = removeControlCharacters(input.output.explanation).replace(/[ \t]+/g, ' ').trim();
  const folded = text.normalize('NFKC');

  if (text.length < MIN_EXPLANATION_CHARS) return { ok: false, reason: 'too_short', detail: String(text.length) };
  if (text.length > MAX_EXPLANATION_CHARS) return { ok: false, reason: 'too_long', detail: String(text.length) };

  const given = new Set(input.answer.citations.map((c) => c.n));
  if (input.output.citations.length === 0) return { ok: false, reason: 'no_citations' };
  const unknown = input.output.citations.filter((n) => !given.has(n));
  if (unknown.length) return { ok: false, reason: 'citation_not_given', detail: unknown.join(',') };
  const markers = [...folded.matchAll(/\[\s*(\d{1,4})\s*\]/g)].map((m) => Number(m[1]));
  const badMarkers = markers.filter((n) => !given.has(n));
  if (badMarkers.length) return { ok: false, reason: 'citation_not_given', detail: badMarkers.join(',') };

  for (const [pattern, reason] of MENTION_PATTERNS) if (pattern.test(folded)) return { ok: false, reason: 'mention', detail: reason };

  const url = foreignUrl(folded, input.knowledgeBaseUrls);
  if (url) return { ok: false, reason: 'url_not_in_kb', detail: url.slice(0, 200) };

  for (const secret of input.secrets) if (secret.length >= 8 && folded.includes(secret)) return { ok: false, reason: 'secret' };
  const leaked = leakedInstructions(folded);
  if (leaked) return { ok: false, reason: 'instructions_leaked', detail: leaked };

  const contradiction = findContradiction({ text, verdict: input.answer.verdict, question: input.question, subjects: input.subjects });
  if (contradiction) return { ok: false, reason: 'contradiction', detail: `${contradiction.subject}: ${contradiction.why} ("${contradiction.clause.slice(0, 160)}")` };

  return { ok: true, text };
}

function foreignUrl(text: string, allowed: Set<string>): string | undefined {
  const scheme = SCHEME_PATTERN.exec(text);
  if (scheme) return scheme[0];
  const allowedHosts = new Set([...allowed].map((u) => hostOf(u)).filter(Boolean));
  let rest = text;
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    if (!allowed.has(url) && !allowed.has(url.replace(/\/$/, '')) && !allowed.has(`${url}/`)) return url;
    rest = rest.replace(m[0], ' ');
  }
  for (const m of rest.matchAll(BARE_DOMAIN)) {
    // A host alone is fine when a knowledge-base source lives there ("docs.aws.amazon.com").
    if (!m[0].includes('/') && allowedHosts.has(m[0].toLowerCase())) continue;
    return m[0];
  }
  return undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Eight words in a row from the instructions mean the model is reciting its prompt. */
const INSTRUCTION_SHINGLES = shingles(SYSTEM_INSTRUCTIONS, 8);

function leakedInstructions(text: string): string | undefined {
  if (/\b(FACTS block|QUESTION \(untrusted|system prompt:|my instructions (are|say))\b/i.test(text)) return 'delimiter';
  for (const s of shingles(text, 8)) if (INSTRUCTION_SHINGLES.has(s)) return s;
  return undefined;
}

function shingles(text: string, n: number): Set<string> {
  const words = text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}
