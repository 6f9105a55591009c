import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const ENTRY = join(ROOT, 'dist/src/index.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The bots run the compiled entry point, as `npm start` does; rebuild it when src is newer. */
export function ensureBuilt(): void {
  let built: number;
  try {
    built = statSync(ENTRY).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestMtime(join(ROOT, 'src'))) return;
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
}

export interface BotProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** `nodeArgs` go before the entry point (e.g. `-r` a fault-injection preload). */
export function startBot(env: Record<string, string>, nodeArgs: string[] = []): Promise<BotProcess> {
  const child = spawn(process.execPath, [...nodeArgs, ENTRY], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffer = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') resolve({ child, port: Number(entry.port), baseUrl: `http://127.0.0.1:${Number(entry.port)}`, logs, exited });
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => reject(new Error(`bot exited with ${code}: ${stderr.slice(0, 2000)}`)));
  });
}

export async function killBot(bot: BotProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return bot.child.exitCode;
  bot.child.kill(signal);
  return bot.exited;
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `work` over `items` with at most `limit` at once (Slack delivers events concurrently). */
export async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}
