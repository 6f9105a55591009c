import { z } from 'zod';

/** What the model must return: exactly these two fields (extra fields mean it did not follow the format). */
const outputSchema = z
  .object({
    explanation: z.string(),
    citations: z.array(z.union([z.number().int(), z.string().regex(/^\s*\[?\s*\d{1,3}\s*\]?\s*$/)])),
  })
  .strict();

export interface ModelOutput {
  explanation: string;
  citations: number[];
}

export type ParseResult = { ok: true; output: ModelOutput } | { ok: false; reason: string };

/**
 * Reads the model's JSON. Strict about the fields, tolerant about the wrapping, because servers
 * without structured output wrap JSON in code fences or a sentence of prose: the first
 * balanced {...} object in the text is taken. Citation ids may come as 2, "2" or "[2]".
 */
export function parseModelOutput(content: string | null | undefined): ParseResult {
  if (!content || !content.trim()) return { ok: false, reason: 'empty' };
  const candidate = firstJsonObject(content);
  if (candidate === undefined) return { ok: false, reason: 'no_json_object' };
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  const parsed = outputSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'unexpected_shape' };
  const citations = parsed.data.citations.map((c) => (typeof c === 'number' ? c : Number(c.replace(/[^\d]/g, ''))));
  return { ok: true, output: { explanation: parsed.data.explanation, citations: [...new Set(citations)] } };
}

/** The first balanced {...} in the text, honouring JSON strings (braces inside them do not count). */
function firstJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start === -1) return undefined;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}
