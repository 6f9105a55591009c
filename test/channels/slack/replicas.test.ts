import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describePostgres, postgresStatus } from '../../store/helpers/backends';
import { FakeSlackApi } from './fakeSlackApi';
import { mention } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';

const ROOT = join(__dirname, '../../..');
const ENTRY = join(ROOT, 'dist/src/index.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The replicas run the compiled entry point, as `npm start` does; rebuild it when src is newer. */
function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(ENTRY).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestMtime(join(ROOT, 'src'))) return;
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
}

interface Replica {
  child: ChildProcess;
  port: number;
  logs: Array<Record<string, unknown>>;
}

function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [ENTRY], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') resolve({ child, port: Number(entry.port), logs });
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
  });
}

async function stopReplica(replica: Replica): Promise<void> {
  if (replica.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => replica.child.once('exit', () => resolve()));
  replica.child.kill('SIGTERM');
  await exited;
}

describePostgres('Slack replicas: two bot processes on one PostgreSQL', () => {
  let fake: FakeSlackApi;
  let replicas: Replica[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fake = await new FakeSlackApi().start();
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: postgresStatus().url as string,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
    };
    replicas = await Promise.all([startReplica(env), startReplica(env)]);
    await fake.waitForCalls('auth.test', 2);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(replicas.map(stopReplica));
    await fake?.close();
  });

  it('answers one event exactly once when it reaches both replicas at once and again as a retry', async () => {
    const body = mention('who patches the guest OS on EC2?');
    const [a, b] = replicas.map((r) => `http://127.0.0.1:${r.port}`);
    const first = await Promise.all([postToSlackEndpoint(a, body), postToSlackEndpoint(b, body)]);
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    await fake.waitForCalls('chat.postMessage', 1);
    const retries = await Promise.all([postToSlackEndpoint(a, body, { retryNum: 1 }), postToSlackEndpoint(b, body, { retryNum: 1 })]);
    expect(retries.map((r) => r.status)).toEqual([200, 200]);
    // Four deliveries: one answered, three dropped by the shared claim (each drop is logged).
    const dropped = () => replicas.flatMap((r) => r.logs).filter((l) => l.event === 'slack_event_duplicate' && l.eventId === body.event_id).length;
    const deadline = Date.now() + 10_000;
    while (dropped() < 3) {
      if (Date.now() > deadline) throw new Error(`only ${dropped()} duplicates dropped`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')[0].args.thread_ts).toBe((body.event as { ts: string }).ts);
  });
});
