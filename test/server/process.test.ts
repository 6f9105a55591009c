import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real entry point as operators run it (`npm start` = node dist/src/index.js): health,
 * readiness, metrics, configuration errors and a graceful SIGTERM. Uses the compiled output,
 * which `npm ci` builds (the prepare script).
 */
const entry = join(__dirname, '../../dist/src/index.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  port: number;
  output: () => string;
}

function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line:\n${out}`)), 20_000);
    child.stdout.on('data', () => {
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ child, port: (JSON.parse(line) as { port: number }).port, output: () => out });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
}

describe('the server process', () => {
  let dataDir: string;
  let running: Running;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'whosecures-proc-'));
    running = await start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  });
  afterAll(() => {
    if (running.child.exitCode === null) running.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says in one line that Slack and Teams are off without their settings', () => {
    expect(running.output()).toMatch(/slack/i);
    expect(running.output()).toMatch(/teams/i);
  });

  it('serves liveness, readiness and Prometheus metrics', async () => {
    const base = `http://127.0.0.1:${running.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ store: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/# TYPE whosecures_questions_total counter/);
    expect(metrics).toMatch(/# TYPE whosecures_answer_seconds histogram/);
    expect((await fetch(`${base}/no-such-path`)).status).toBe(404);
  });

  it('stops within 10 seconds on SIGTERM with exit code 0', async () => {
    const started = Date.now();
    const exit = new Promise<number | null>((resolve) => running.child.on('exit', (code) => resolve(code)));
    running.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('start-up errors', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });

  it('names the variable that is wrong and never prints its value', () => {
    const r = run({ PORT: '0', SLACK_BOT_TOKEN: 'not-a-token-sentinel-123' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SLACK_BOT_TOKEN: must be a bot token/);
    expect(r.stdout + r.stderr).not.toContain('sentinel-123');
  });

  it('refuses an unreachable database with the URL shown without its password', () => {
    const r = run({ PORT: '0', DATABASE_URL: 'postgres://bot:hunter2-secret@127.0.0.1:1/nowhere', LOG_LEVEL: 'info' });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
  });
});
