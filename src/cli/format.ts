import { NOT_FOUND_HEADLINE } from '../engine/answerText';
import type { Answer } from '../engine/types';

/** The CLI's JSON contract (README: "The CLI's JSON contract"). */
export function answerToJson(answer: Answer, question: string) {
  return {
    question,
    intent: answer.intent,
    verdict: answer.verdict,
    topic: answer.topic,
    headline: answer.headline,
    answer: answer.text,
    aws: answer.aws,
    customer: answer.customer,
    conditions: answer.conditions,
    rows: answer.rows,
    citations: answer.citations.map((c) => ({ id: c.id, title: c.title, url: c.url, locator: c.locator ?? null, quote: c.quote ?? null })),
    suggestions: answer.suggestions,
    confidence: Number(answer.confidence.toFixed(2)),
    cells: answer.cells,
    verified: answer.verified ?? null,
  };
}

export function answerToTerminal(answer: Answer): string {
  const lines: string[] = [];
  lines.push(`${answer.headline}${answer.topic ? ` | ${answer.topic.title}` : ''}`);
  lines.push('');
  lines.push(answer.text);
  if (answer.citations.length) {
    lines.push('');
    lines.push('Sources:');
    for (const c of answer.citations) {
      lines.push(`  [${c.n}] ${c.title}${c.locator ? `, ${c.locator}` : ''} <${c.url}>`);
      if (c.quote) lines.push(`      "${c.quote}"`);
    }
  }
  if (answer.suggestions.length) {
    lines.push('');
    // Only an answer that found nothing offers what the question may have meant; the text never says it too.
    lines.push(`${answer.intent === 'not_found' && answer.headline === NOT_FOUND_HEADLINE ? 'Did you mean' : 'Try next'}: ${answer.suggestions.join(' | ')}`);
  }
  if (answer.verified) lines.push(`(verified ${answer.verified}; confidence ${answer.confidence.toFixed(2)})`);
  return lines.join('\n');
}
