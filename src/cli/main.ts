import { kbCommand } from './kb';
import { askCommand } from './ask';
import { chatCommand } from './chat';
import { evalCommand } from './eval';
import { onboardingCommand } from './onboarding';
import { processIo, type CliIo } from './io';

const USAGE = `whosecures: who secures what under the AWS shared responsibility model

usage:
  whosecures ask [--json] "question"   answer one question (no question + --json: one per stdin line)
  whosecures chat                      interactive chat in the terminal
  whosecures kb check [--stale N]      verify the knowledge base (quotes, citations, aliases)
  whosecures eval                      accuracy over the evaluation questions
  whosecures onboarding report [--format table|csv]   who started and finished the course, average score`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'kb':
      return kbCommand(rest, io);
    case 'ask':
      return askCommand(rest, io);
    case 'chat':
      return chatCommand(io);
    case 'eval':
      return evalCommand(rest, io);
    case 'onboarding':
      return onboardingCommand(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
