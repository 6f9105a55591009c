import { createInterface } from 'node:readline';
import { createEngine } from '../engine';
import type { ThreadContext } from '../engine/types';
import { answerToTerminal } from './format';
import type { CliIo } from './io';
import { commandSpec, runCommand } from './spec';

/**
 * Interactive chat through the same router; keeps the thread's context for follow-ups. Ends on
 * "exit" (or quit, bye, :q) or at the end of input (Ctrl-D), leaving the terminal on a new line.
 */
export async function chatCommand(
  args: string[],
  io: CliIo,
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  return runCommand(commandSpec('chat'), args, io, async () => {
    const { router, kb } = createEngine();
    io.out(`whosecures: ${kb.services.size - 1} services, ${kb.cells.size} cells. Ask who secures what on AWS; "exit" or Ctrl-D to quit.`);
    const rl = createInterface({ input, output, prompt: 'you> ', terminal: Boolean(input.isTTY) });
    let context: ThreadContext = {};
    let exited = false;
    rl.prompt();
    for await (const line of rl) {
      const text = line.trim();
      if (/^(exit|quit|bye|:q)$/i.test(text)) {
        exited = true;
        break;
      }
      if (text) {
        const answer = router.route({ text, platform: 'cli', userId: 'cli', conversationId: 'chat', threadId: 'chat', context });
        if (Object.keys(answer.context).length) context = answer.context;
        io.out(`\n${answerToTerminal(answer)}\n`);
      }
      rl.prompt();
    }
    rl.close();
    // End of input (Ctrl-D) leaves the cursor after the prompt: end that line.
    if (!exited) output.write('\n');
    return 0;
  });
}
