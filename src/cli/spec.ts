import { parseArgs } from 'node:util';

/**
 * Every CLI command with its flags, in one table: the parser, `--help` and the top-level help
 * are all made from it, so a flag cannot be accepted without being listed (or the reverse).
 */

export interface FlagSpec {
  name: string;
  type: 'boolean' | 'string';
  /** Placeholder for the value in help, e.g. `MONTHS` or `table|csv`. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  /** As typed: `ask`, `kb gaps`. */
  name: string;
  /** Positional arguments shown in the usage line, e.g. `"question"`; none when absent. */
  args?: string;
  summary: string;
  /** More lines for `--help`. */
  details?: string[];
  flags: FlagSpec[];
}

/** Wrong arguments: the CLI prints one line with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    public command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const DIR: FlagSpec = { name: 'dir', type: 'string', value: 'DIR', description: 'knowledge folder to read (default: the shipped knowledge/)' };

export const COMMANDS: CommandSpec[] = [
  {
    name: 'ask',
    args: '["question"]',
    summary: 'answer one question; without one, answer each line piped on standard input',
    details: [
      'Without a question and with a pipe on standard input, every non-empty line is a question:',
      'plain answers are separated by a blank line; with --json each answer is one JSON line, in order.',
      'Exit codes: 0 answered (including out of scope and not found), 1 unusable input, 2 usage error.',
    ],
    flags: [{ name: 'json', type: 'boolean', description: 'print the JSON contract (see the README) instead of text' }],
  },
  {
    name: 'chat',
    summary: 'interactive chat in the terminal; keeps the thread for follow-ups',
    details: ['Type a question at the "you>" prompt; "exit", "quit" or Ctrl-D ends the chat.'],
    flags: [],
  },
  {
    name: 'kb check',
    summary: 'verify the knowledge base: schema, quotes verbatim, citations, aliases, the course',
    details: [
      'Style (docs/answer-style.md) and cells verified more than 12 months ago are warnings: printed, exit 0.',
      '--stale MONTHS makes cells older than MONTHS a failure; --strict-style makes style warnings one.',
    ],
    flags: [
      { name: 'stale', type: 'string', value: 'MONTHS', description: 'fail on cells verified more than MONTHS months ago (without it: a warning at 12)' },
      { name: 'strict-style', type: 'boolean', description: 'fail on style warnings (What you do bullets that are not instructions...)' },
      DIR,
    ],
  },
  {
    name: 'kb matrix',
    summary: 'the responsibility matrix as text, or exported as CSV, Markdown or one self-contained HTML page',
    details: ['csv and md list every cell: service, area, verdict, what AWS does, what you do, conditions, citations with their URLs, verified date.'],
    flags: [
      { name: 'format', type: 'string', value: 'text|csv|md|html', description: 'output format (default text)' },
      { name: 'html', type: 'boolean', description: 'the same as --format html' },
      DIR,
    ],
  },
  {
    name: 'kb gaps',
    summary: "where users found no good answer, from the bot's question log",
    details: ['Reads the store from DATABASE_URL, or SQLite in DATA_DIR (default ./data); a .env in the current folder is read.'],
    flags: [
      { name: 'since', type: 'string', value: 'PERIOD', description: 'a duration (24h, 30d, 8w) or a date YYYY-MM-DD (default 30d)' },
      { name: 'format', type: 'string', value: 'table|csv|json', description: 'output format (default table)' },
      { name: 'limit', type: 'string', value: 'N', description: 'show at most N gaps' },
      DIR,
    ],
  },
  {
    name: 'kb stats',
    summary: 'coverage per service and area, stale cells, missing core areas',
    flags: [
      { name: 'stale', type: 'string', value: 'MONTHS', description: 'cells verified longer ago than this are stale (default 12)' },
      { name: 'format', type: 'string', value: 'table|json', description: 'output format (default table)' },
      DIR,
    ],
  },
  {
    name: 'kb phrases',
    summary: 'curated phrases (condition phrases, cell and area keywords) that change no answer on the tuning questions',
    details: [
      'Each phrase is removed in turn and the tuning questions that contain it (test/eval, test/heldout*) are answered again;',
      'a phrase after which no verdict or first cell changes is listed, and phrases no tuning question contains are listed apart.',
      'A report: exit 0. It takes a few minutes on the shipped knowledge base.',
    ],
    flags: [
      { name: 'format', type: 'string', value: 'text|json', description: 'output format (default text)' },
      { name: 'limit', type: 'string', value: 'N', description: 'list at most N phrases in each list' },
      DIR,
    ],
  },
  {
    name: 'eval',
    summary: 'accuracy over the evaluation questions (exits 1 below 95% unless --no-gate)',
    flags: [
      { name: 'dir', type: 'string', value: 'DIR', description: 'folder of question files (default test/eval)' },
      { name: 'misses', type: 'string', value: 'N', description: 'list at most N misses (default 30)' },
      { name: 'no-gate', type: 'boolean', description: 'report only: do not fail below 95%' },
      { name: 'blind', type: 'boolean', description: "a blind set's figures and reliability table only, never a question or a miss" },
      { name: 'calibrate', type: 'boolean', description: 'fit the confidence model on the tuning sets (shifted by their recorded first scores) into knowledge/calibration.json' },
      { name: 'record-first-score', type: 'boolean', description: "score a new set once and keep its answers in DIR/first-score.json (blind figures only)" },
      { name: 'commit', type: 'string', value: 'SHA', description: 'the commit a first score is taken on, recorded with it' },
    ],
  },
  {
    name: 'onboarding report',
    summary: 'who started and finished the onboarding course, and the average score',
    details: ['Reads the store from DATABASE_URL, or SQLite in DATA_DIR (default ./data); a .env in the current folder is read.'],
    flags: [{ name: 'format', type: 'string', value: 'table|csv', description: 'output format (default table)' }],
  },
];

/** Commands that only group subcommands (`kb`, `onboarding`). */
export const GROUPS = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]))];

export function commandSpec(name: string): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new Error(`no CLI command "${name}"`);
  return spec;
}

function flagUsage(f: FlagSpec): string {
  return f.type === 'boolean' ? `[--${f.name}]` : `[--${f.name} ${f.value ?? 'VALUE'}]`;
}

export function usageLine(spec: CommandSpec): string {
  return ['whosecures', spec.name, ...spec.flags.map(flagUsage), ...(spec.args ? [spec.args] : [])].join(' ');
}

/** The text of `whosecures <command> --help`: usage, what it does, every flag. */
export function commandHelp(spec: CommandSpec): string {
  const rows: Array<[string, string]> = [
    ...spec.flags.map((f): [string, string] => [f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${f.value ?? 'VALUE'}`, f.description]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `usage: ${usageLine(spec)}`,
    '',
    spec.summary,
    ...(spec.details?.length ? ['', ...spec.details] : []),
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ].join('\n');
}

/** The help of a group (`whosecures kb --help`): its subcommands. */
export function groupHelp(group: string): string {
  const specs = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return [`usage: whosecures ${group} <command> [options]`, '', 'commands:', ...table(specs), '', `Run "whosecures ${group} <command> --help" for its options.`].join('\n');
}

function table(specs: CommandSpec[]): string[] {
  const width = Math.max(...specs.map((s) => s.name.length));
  return specs.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`);
}

/** `whosecures --help`: every command and every flag. */
export function topLevelHelp(version: string): string {
  return [
    `whosecures ${version}: who secures what under the AWS shared responsibility model`,
    '',
    'usage: whosecures <command> [options]',
    '',
    'commands:',
    ...table(COMMANDS),
    '',
    'every command and its flags:',
    ...COMMANDS.map((c) => `  ${usageLine(c)}`),
    '',
    'global options:',
    '  -h, --help     show help (also "whosecures <command> --help" and "whosecures help <command>")',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 failure (unusable input, a problem found, a store that cannot be read), 2 usage error.',
  ].join('\n');
}

/** True when the arguments ask for help (before a `--`, after which everything is an argument). */
export function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** parseArgs' messages are long and mention internals; say what is wrong in a few words. */
function shortMessage(err: { code?: string; message: string }): string {
  const quoted = /'(-{1,2}[^'\s<]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message) ? `${quoted ?? 'an option'} needs a value` : `${quoted ?? 'an option'} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''}`.trim();
    default:
      return err.message.split('. ')[0];
  }
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses a command's arguments against its table entry; wrong arguments throw UsageError. */
export function parseCommand(spec: CommandSpec, args: string[]): Parsed {
  const options: Record<string, { type: 'boolean' | 'string' }> = {};
  for (const f of spec.flags) options[f.name] = { type: f.type };
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: Boolean(spec.args), strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(shortMessage(e), spec.name);
    throw err;
  }
}

/** The one line a usage error prints. */
export function usageErrorLine(err: UsageError): string {
  const cmd = err.command ? `whosecures ${err.command}` : 'whosecures';
  return `${cmd}: ${err.message} (see "${cmd} --help")`;
}

/**
 * Runs one command: `--help` prints its help (exit 0); a UsageError from parsing or from the
 * command's own checks prints one line (exit 2).
 */
export async function runCommand(spec: CommandSpec, args: string[], io: { out(l: string): void; err(l: string): void }, body: (parsed: Parsed) => Promise<number> | number): Promise<number> {
  if (wantsHelp(args)) {
    io.out(commandHelp(spec));
    return 0;
  }
  try {
    return await body(parseCommand(spec, args));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    err.command ??= spec.name;
    io.err(usageErrorLine(err));
    return 2;
  }
}
