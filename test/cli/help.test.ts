import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main';

/**
 * The CLI as an engineer meets it, through the installed bin (`npm ci` builds dist/): help on
 * every command, --version, usage errors, piped questions and leaving chat with Ctrl-D.
 */
const root = join(__dirname, '../..');
const bin = join(root, 'bin/whosecures.js');
/** Through the real bin: exit code, stdout and stderr as a shell sees them. */
const runBin = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { cwd: root, input: input ?? '', encoding: 'utf8', timeout: 30_000 });

/** The same entry point in this process (the bin only sets process.exitCode from it), for speed. */
async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const stdin = Object.assign(Readable.from([]), { isTTY: true });
  const status = await main(args, { out: (l) => (stdout += `${l}\n`), err: (l) => (stderr += `${l}\n`) }, { stdin, stdout: sink, env: {} });
  return { status, stdout, stderr };
}

/** What the README and docs promise, written out here rather than read from the CLI's own table. */
const DOCUMENTED: Record<string, string[]> = {
  ask: ['--json'],
  chat: [],
  'kb check': ['--stale', '--strict-style', '--dir'],
  'kb matrix': ['--html', '--dir'],
  'kb gaps': ['--since', '--format', '--limit', '--dir'],
  'kb stats': ['--stale', '--format', '--dir'],
  eval: ['--dir', '--misses', '--no-gate'],
  'onboarding report': ['--format'],
};

describe('--help', () => {
  it.each(Object.entries(DOCUMENTED))('whosecures %s --help exits 0 with its usage and every flag', async (command, flags) => {
    for (const helpFlag of ['--help', '-h']) {
      const r = await run([...command.split(' '), helpFlag]);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: whosecures ${command}\\b`));
      for (const flag of flags) expect(r.stdout).toMatch(new RegExp(`^  ${flag}\\b`, 'm'));
      expect(r.stdout).toMatch(/^ {2}-h, --help\b/m);
    }
    // `whosecures help <command>` says the same.
    expect((await run(['help', ...command.split(' ')])).stdout).toBe((await run([...command.split(' '), '--help'])).stdout);
  });

  it('through the installed bin, help goes to stdout with exit 0', () => {
    const r = runBin(['kb', 'gaps', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: whosecures kb gaps /);
  });

  it('the top-level help lists every command and every flag, and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    for (const [command, flags] of Object.entries(DOCUMENTED)) {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`  whosecures ${command} `) || l === `  whosecures ${command}`);
      expect(line).toBeDefined();
      for (const flag of flags) expect(line).toContain(`[${flag}`);
    }
    expect(r.stdout).toMatch(/--version/);
    expect((await run(['help'])).stdout).toBe(r.stdout);
  });

  it('the command groups list their subcommands', async () => {
    for (const group of ['kb', 'onboarding']) {
      const r = await run([group, '--help']);
      expect(r.status).toBe(0);
      const subs = Object.keys(DOCUMENTED).filter((c) => c.startsWith(`${group} `));
      for (const sub of subs) expect(r.stdout).toContain(`  ${sub} `);
    }
  });

  it('a question that is literally "--help" can still be asked after --', async () => {
    const r = await run(['ask', '--json', '--', '--help']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).question).toBe('--help');
  });
});

describe('--version', () => {
  it('prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = runBin([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`whosecures ${version}\n`);
    }
  });
});

describe('usage errors', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^whosecures: missing command/],
    [['nope'], /^whosecures: unknown command "nope"/],
    [['--bogus'], /^whosecures: unknown option --bogus/],
    [['ask', '--jsn', 'x'], /^whosecures ask: unknown option --jsn/],
    [['chat', 'extra'], /^whosecures chat: unexpected argument extra/],
    [['eval', '--bogus'], /^whosecures eval: unknown option --bogus/],
    [['eval', '--misses', 'lots'], /^whosecures eval: --misses takes a whole number/],
    [['kb'], /^whosecures kb: missing command/],
    [['kb', 'nope'], /^whosecures kb: unknown command "nope"/],
    [['kb', 'check', '--stale'], /^whosecures kb check: --stale needs a value/],
    [['kb', 'check', '--stale', 'old'], /^whosecures kb check: --stale takes a number/],
    [['kb', 'matrix', '--html=yes'], /^whosecures kb matrix: --html takes no value/],
    [['kb', 'gaps', '--format', 'xml'], /^whosecures kb gaps: --format takes one of/],
    [['kb', 'stats', 'extra'], /^whosecures kb stats: unexpected argument extra/],
    [['onboarding'], /^whosecures onboarding: missing command/],
    [['onboarding', 'report', '--format', 'xml'], /^whosecures onboarding report: --format takes one of/],
  ];
  it.each(cases)('whosecures %j exits 2 with one line and a pointer to --help', async (args, message) => {
    const r = await run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/\(see "whosecures( [a-z]+)* --help"\)$/);
  });

  it('through the installed bin, a usage error exits 2 on stderr', () => {
    const r = runBin(['ask', '--jsn', 'x']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('whosecures ask: unknown option --jsn (see "whosecures ask --help")\n');
  });
});

describe('questions piped into ask', () => {
  const questions = ['who patches the guest OS on EC2?', 'is s3 encrypted by default?', 'tell me a joke'];

  it('answers each line in plain text, in order, with a blank line between answers', async () => {
    const r = runBin(['ask'], `${questions[0]}\n\n${questions[1]}\n${questions[2]}\n`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const one: string[] = [];
    for (const q of questions) one.push((await run(['ask', q])).stdout.replace(/\n$/, ''));
    expect(r.stdout).toBe(`${one.join('\n\n')}\n`);
    expect(one[0]).toMatch(/^You are responsible/);
  });

  it('an empty pipe is a usage error, not a silent success', () => {
    const r = runBin(['ask'], '');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^whosecures ask: no question/);
  });
});

describe('leaving chat', () => {
  it('at the end of piped input, the last prompt is ended with a newline', () => {
    const r = runBin(['chat'], 'who owns my data?\n');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('you> \n')).toBe(true);
  });

  it('Ctrl-D in a real terminal exits 0 and leaves the shell prompt on a new line', async () => {
    // util-linux `script` gives the chat a pseudo-terminal; ^D is read by the terminal line discipline.
    const child = spawn('script', ['-qfec', `${process.execPath} ${bin} chat`, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    child.stdout.on('data', (d) => (raw += String(d)));
    // What the terminal shows: without readline's cursor and erase sequences.
    const shown = () => raw.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 20_000;
      while (!pattern.test(shown())) {
        if (Date.now() > deadline) throw new Error(`waited for ${pattern}; got:\n${shown()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(/you> $/);
      child.stdin.write('who patches the guest os on ec2?\r');
      await waitFor(/You are responsible[\s\S]*you> $/);
      child.stdin.write('\u0004');
      expect(await exit).toBe(0);
      // The terminal shows the prompt, then the line is ended (CR LF on a terminal).
      expect(shown()).toMatch(/you> \r?\n$/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
