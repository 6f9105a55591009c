import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { FakeSlackApi } from '../channels/slack/fakeSlackApi';
import { mention } from '../channels/slack/payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../channels/slack/signedRequest';
import { builtServices, loadCompose, serviceEnvironment } from './compose';
import { account, buildContext, parseDockerfile, replayDockerfile, stagePath, type Replay } from './dockerfile';

/**
 * The container image, built and run here without a container engine (`npm run test:image`,
 * run by .ci/run): the build context minus .dockerignore, every COPY and RUN of the Dockerfile
 * in a temporary folder (npm ci, the better-sqlite3 build, tsc, npm prune), then the image's CMD
 * as its non-root user, twice, as the compose file's two replicas with the environment Compose
 * would give them from a copied .env.example (plus Slack credentials, as an admin would add).
 *
 * What differs from a container, and why: apt-get runs against the base image, so its line is
 * checked (the packages it installs are installed here) rather than run; the replicas share this
 * machine's network, so each gets a free PORT where the containers both use 3978 behind their
 * published ports; and DATABASE_URL's host `db` (the compose network) becomes this machine's
 * PostgreSQL, in a fresh database owned by the compose file's non-superuser role.
 */
const root = join(__dirname, '../..');
const adminUrl = process.env.TEST_DATABASE_URL;
const isRoot = process.getuid?.() === 0;
const describeImage = adminUrl && isRoot ? describe : describe.skip;
if (!adminUrl) console.warn('[image replay] SKIPPED: TEST_DATABASE_URL is not set (the replicas need PostgreSQL)');
if (!isRoot) console.warn('[image replay] SKIPPED: needs root to run RUN lines and CMD as the image accounts');

interface Replica {
  name: string;
  child: ChildProcess;
  port: number;
  logs: Array<Record<string, unknown>>;
  text: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function startReplica(name: string, cmd: string[], cwd: string, env: Record<string, string>, ids: { uid: number; gid: number }): Promise<Replica> {
  const child = spawn(cmd[0], cmd.slice(1), { cwd, env, uid: ids.uid, gid: ids.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let all = '';
  let buffer = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no "listening" line in 60 s:\n${all}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (all += String(d)));
    child.stdout!.on('data', (d: Buffer) => {
      all += String(d);
      buffer += String(d);
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve({ name, child, port: Number(entry.port), logs, text: () => all });
          }
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${all}`));
    });
  });
}

describeImage('the container image, replayed from the Dockerfile', () => {
  let work: string;
  const database = `whosecures_image_${randomBytes(4).toString('hex')}`;
  const timings: Record<string, number> = {};
  let replay: Replay;
  let app: string;
  let fake: FakeSlackApi;
  let replicas: Replica[] = [];
  let imageEnv: Record<string, string>;
  const ids = account('node');

  beforeAll(async () => {
    const started = Date.now();
    work = mkdtempSync(join(tmpdir(), 'whosecures-image-'));
    // The image's user must reach /app through the folders standing for its parents.
    chmodSync(work, 0o755);
    const context = join(work, 'context');
    buildContext(root, context);
    replay = await replayDockerfile(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')), {
      context,
      workRoot: join(work, 'stages'),
      // What RUN sees besides the stage's ENV: a PATH with node and npm, and npm's cache under HOME.
      hostEnv: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TMPDIR: tmpdir() },
      log: (l) => process.stderr.write(`[image] ${l.slice(0, 300)}\n`),
    });
    timings.build = Date.now() - started;
    app = stagePath(replay.final, replay.final.workdir);
    imageEnv = replay.final.env;

    // The compose file's database role and a fresh database for this run.
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const role = await admin.query("select 1 from pg_roles where rolname = 'whosecures'");
      if (!role.rowCount) await admin.query("create role whosecures login password 'whosecures'").catch((err: { code?: string }) => {
        if (err.code !== '23505' && err.code !== '42710') throw err;
      });
      await admin.query(`create database ${database} owner whosecures`);
    } finally {
      await admin.end();
    }
  }, 900_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(
        (r) =>
          new Promise<void>((resolve) => {
            if (r.child.exitCode !== null) return resolve();
            r.child.once('exit', () => resolve());
            r.child.kill('SIGKILL');
          }),
      ),
    );
    await fake?.close();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    await admin.end();
    if (work) rmSync(work, { recursive: true, force: true });
    process.stderr.write(`[image] timings (ms): ${JSON.stringify(timings)}\n`);
  });

  it('every stage built: RUN lines ran, the image holds the compiled server and its production dependencies only', () => {
    expect(replay.stages.map((s) => s.name ?? s.index)).toEqual(['build', 1]);
    const ran = replay.steps.filter((s) => s.action === 'ran').map((s) => s.text);
    expect(ran).toEqual(expect.arrayContaining([expect.stringMatching(/npm ci/), expect.stringMatching(/npm run build/), expect.stringMatching(/mkdir -p \/app\/data/)]));
    expect(replay.steps.some((s) => s.action === 'checked-packages')).toBe(true);
    expect(existsSync(join(app, replay.final.cmd![1]))).toBe(true);
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    // Pruned: no compiler, no test runner; and nothing from outside the build context.
    for (const absent of ['node_modules/typescript', 'node_modules/jest', 'test', 'src', '.env', '.env.example', 'bench']) expect({ absent, exists: existsSync(join(app, absent)) }).toEqual({ absent, exists: false });
    const data = statSync(join(app, 'data'));
    expect([data.uid, data.gid]).toEqual([ids.uid, ids.gid]);
    // The code is not the bot's to change.
    expect(statSync(join(app, 'dist')).uid).toBe(0);
  });

  it('runs CMD as the non-root user, twice, as the two replicas on PostgreSQL; both ready', async () => {
    expect(replay.final.user).toBe('node');
    expect(ids.uid).not.toBe(0);
    fake = await new FakeSlackApi().start();
    // The project folder Compose runs in, with the .env an admin makes: .env.example copied, Slack filled in.
    const project = join(work, 'project');
    mkdirSync(project, { recursive: true });
    copyFileSync(join(root, '.env.example'), join(project, '.env'));
    const dotenv = readFileSync(join(project, '.env'), 'utf8')
      .replace(/^SLACK_BOT_TOKEN=.*$/m, `SLACK_BOT_TOKEN=${TEST_BOT_TOKEN}`)
      .replace(/^SLACK_SIGNING_SECRET=.*$/m, `SLACK_SIGNING_SECRET=${TEST_SIGNING_SECRET}`)
      .replace(/^SLACK_API_URL=.*$/m, `SLACK_API_URL=${fake.apiUrl}`)
      .replace(/^SLACK_POST_SPACING_MS=.*$/m, 'SLACK_POST_SPACING_MS=0');
    writeFileSync(join(project, '.env'), `${dotenv}\nPOSTGRES_PASSWORD=${randomBytes(12).toString('hex')}\nSTORE_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}\n`);

    const compose = loadCompose(join(root, 'docker-compose.yml'));
    const bots = builtServices(compose);
    expect(bots).toHaveLength(2);
    const started = Date.now();
    replicas = await Promise.all(
      bots.map(async ([name, service]) => {
        const composeEnv = serviceEnvironment(service, project, {});
        const url = new URL(composeEnv.DATABASE_URL);
        expect(url.hostname).toBe('db');
        url.hostname = '127.0.0.1';
        url.pathname = `/${database}`;
        const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: app, ...imageEnv, ...composeEnv, DATABASE_URL: url.toString(), PORT: String(await freePort()) };
        expect(env.HOST).toBe('0.0.0.0');
        return startReplica(name, replay.final.cmd!, app, env, ids);
      }),
    );
    timings.start = Date.now() - started;
    for (const r of replicas) {
      const status = readFileSync(`/proc/${r.child.pid}/status`, 'utf8');
      expect(status).toMatch(new RegExp(`^Uid:\\s+${ids.uid}\\s`, 'm'));
      const ready = await fetch(`http://127.0.0.1:${r.port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ store: 'ok' });
      const listening = r.logs.find((l) => l.msg === 'listening')!;
      expect(listening).toMatchObject({ store: 'postgres', channels: expect.arrayContaining(['slack']) });
    }
    await fake.waitForCalls('auth.test', 2);
  }, 120_000);

  it("the image's HEALTHCHECK passes against a running replica", () => {
    const hc = replay.final.healthcheck!;
    const r = spawnSync(hc.cmd[0], hc.cmd.slice(1), { cwd: app, env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...imageEnv, PORT: String(replicas[0].port) }, uid: ids.uid, gid: ids.gid, timeout: 10_000 });
    expect(r.status).toBe(0);
  });

  it('answers one signed Slack event once, though it reaches both replicas', async () => {
    const body = mention('who patches the guest OS on EC2?');
    const [a, b] = replicas.map((r) => `http://127.0.0.1:${r.port}`);
    const responses = await Promise.all([postToSlackEndpoint(a, body), postToSlackEndpoint(b, body, { retryNum: 1 })]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const [post] = await fake.waitForCalls('chat.postMessage', 1, 15_000);
    expect(post.args.channel).toBe('C0CHAN');
    expect(String(post.args.text)).toMatch(/You are responsible/);
    expect(post.authorization).toBe(`Bearer ${TEST_BOT_TOKEN}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    // An unsigned request is refused by the image as by `npm start`.
    expect((await postToSlackEndpoint(a, body, { signature: 'v0=deadbeef' })).status).toBe(401);
    for (const r of replicas) expect(r.text()).not.toContain(TEST_SIGNING_SECRET);
  });

  it('both replicas stop on SIGTERM with exit code 0', async () => {
    const exits = replicas.map((r) => new Promise<number | null>((resolve) => r.child.once('exit', (code) => resolve(code))));
    for (const r of replicas) r.child.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  }, 20_000);
});
