import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kbCommand } from './kb';
import { askCommand } from './ask';
import { chatCommand } from './chat';
import { evalCommand } from './eval';
import { onboardingCommand } from './onboarding';
import { processIo, type CliIo } from './io';
import { COMMANDS, GROUPS, UsageError, commandHelp, groupHelp, topLevelHelp, usageErrorLine } from './spec';

/** The package's version, from package.json: two folders above src/cli (ts-jest), three above dist/src/cli. */
export function version(): string {
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'whosecures' && pkg.version) return pkg.version;
    } catch {
      // not here
    }
  }
  return 'unknown';
}

export interface CliStreams {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout?: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
}

function usageError(io: CliIo, message: string, command?: string): number {
  io.err(usageErrorLine(new UsageError(message, command)));
  return 2;
}

/** Help for `whosecures help [command...]`. */
function helpFor(words: string[]): string | undefined {
  if (words.length === 0) return topLevelHelp(version());
  const name = words.join(' ');
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec) return commandHelp(spec);
  if (words.length === 1 && GROUPS.includes(words[0])) return groupHelp(words[0]);
  return undefined;
}

export async function main(argv: string[], io: CliIo = processIo, streams: CliStreams = {}): Promise<number> {
  const [command, ...rest] = argv;
  const env = streams.env ?? process.env;
  switch (command) {
    case 'ask':
      return askCommand(rest, io, streams.stdin);
    case 'chat':
      return chatCommand(rest, io, streams.stdin, streams.stdout);
    case 'kb':
      return kbCommand(rest, io, env);
    case 'eval':
      return evalCommand(rest, io);
    case 'onboarding':
      return onboardingCommand(rest, io, env);
    case '--version':
    case '-V':
    case 'version':
      io.out(`whosecures ${version()}`);
      return 0;
    case '--help':
    case '-h':
    case 'help': {
      const text = helpFor(rest.filter((w) => !w.startsWith('-')));
      if (text === undefined) return usageError(io, `no command "${rest.join(' ')}"`);
      io.out(text);
      return 0;
    }
    case undefined:
      return usageError(io, 'missing command (ask, chat, kb, eval, onboarding)');
    default:
      return usageError(io, command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`);
  }
}
