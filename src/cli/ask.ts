import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { createEngine } from '../engine';
import type { Query } from '../engine/types';
import { answerToJson, answerToTerminal } from './format';
import type { CliIo } from './io';

function cliQuery(text: string): Query {
  return { text, platform: 'cli', userId: process.env.USER ?? 'cli', conversationId: 'cli' };
}

/** `whosecures ask [--json] "question"`; with --json and no question, one question per stdin line. */
export async function askCommand(args: string[], io: CliIo, stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  const question = positionals.join(' ');
  const { router } = createEngine();

  if (positionals.length === 0) {
    if (values.json && !stdin.isTTY) {
      const lines = createInterface({ input: stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        io.out(JSON.stringify(answerToJson(router.route(cliQuery(line)), line)));
      }
      return 0;
    }
    io.err('usage: whosecures ask [--json] "question"   (or pipe questions, one per line, with --json)');
    return 2;
  }

  const answer = router.route(cliQuery(question));
  io.out(values.json ? JSON.stringify(answerToJson(answer, question), null, 2) : answerToTerminal(answer));
  return answer.intent === 'invalid_input' ? 1 : 0;
}
