import { createInterface } from 'node:readline';
import { createEngine } from '../engine';
import type { Query } from '../engine/types';
import { answerToJson, answerToTerminal } from './format';
import type { CliIo } from './io';
import { UsageError, commandSpec, runCommand } from './spec';

function cliQuery(text: string): Query {
  return { text, platform: 'cli', userId: process.env.USER ?? 'cli', conversationId: 'cli' };
}

/**
 * `whosecures ask [--json] "question"`. Without a question and with a pipe on standard input,
 * one question per line: plain answers separated by a blank line, or one JSON line each.
 */
export async function askCommand(args: string[], io: CliIo, stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<number> {
  return runCommand(commandSpec('ask'), args, io, async ({ values, positionals }) => {
    const json = values.json === true;
    if (positionals.length === 0) {
      if (stdin.isTTY) throw new UsageError('no question: give one in quotes, or pipe questions, one per line');
      const { router } = createEngine();
      const lines = createInterface({ input: stdin, crlfDelay: Infinity });
      let first = true;
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const answer = router.route(cliQuery(line));
        if (json) io.out(JSON.stringify(answerToJson(answer, line)));
        else {
          if (!first) io.out('');
          io.out(answerToTerminal(answer));
        }
        first = false;
      }
      if (first) throw new UsageError('no question: give one in quotes, or pipe questions, one per line');
      return 0;
    }
    const question = positionals.join(' ');
    const answer = createEngine().router.route(cliQuery(question));
    io.out(json ? JSON.stringify(answerToJson(answer, question), null, 2) : answerToTerminal(answer));
    return answer.intent === 'invalid_input' ? 1 : 0;
  });
}
