import { createInterface } from 'node:readline';
import { createEngine } from '../engine';
import type { ThreadContext } from '../engine/types';
import { answerToTerminal } from './format';
import type { CliIo } from './io';

/** Interactive chat through the same router; keeps the thread's context for follow-ups. */
export async function chatCommand(io: CliIo, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const { router, kb } = createEngine();
  io.out(`whosecures: ${kb.services.size - 1} services, ${kb.cells.size} cells. Ask who secures what on AWS; "exit" to quit.`);
  const rl = createInterface({ input, output: process.stdout, prompt: 'you> ', terminal: Boolean((input as { isTTY?: boolean }).isTTY) });
  let context: ThreadContext = {};
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (/^(exit|quit|bye|:q)$/i.test(text)) break;
    if (text) {
      const answer = router.route({ text, platform: 'cli', userId: 'cli', conversationId: 'chat', threadId: 'chat', context });
      if (Object.keys(answer.context).length) context = answer.context;
      io.out(`\n${answerToTerminal(answer)}\n`);
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}
