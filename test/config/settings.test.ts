import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { envSchema, loadConfig } from '../../src/config';

/**
 * Every setting the code reads is in .env.example and in the README's settings table, and a
 * copied .env.example starts the CLI and `npm start` (the compose side is in test/image).
 */
const root = join(__dirname, '../..');
const example = readFileSync(join(root, '.env.example'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const settingsTable = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));

/** Settings read outside src/config.ts: `env.NAME` in src (the Teams package script). */
function settingsReadElsewhere(): string[] {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('config.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\b(?:process\.)?env\.([A-Z][A-Z0-9_]+)\b/g)) names.add(m[1]);
    }
  };
  walk(join(root, 'src'));
  // The CLI reads the user's login name for its query's user id; it is not a setting.
  names.delete('USER');
  return [...names].sort();
}

const accepted = Object.keys(envSchema.shape);

/** Local addresses (hex, as /proc/net shows them) of sockets listening on a TCP port. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const [addr, p] = cols[1].split(':');
      if (p === hexPort) out.push(addr);
    }
  }
  return out;
}

describe('settings', () => {
  it('finds the settings it checks (config.ts and the Teams package script)', () => {
    expect(accepted).toEqual(expect.arrayContaining(['PORT', 'HOST', 'KNOWLEDGE_DIR', 'MicrosoftAppTenantId']));
    expect(settingsReadElsewhere()).toEqual(expect.arrayContaining(['TEAMS_APP_VERSION', 'TEAMS_APP_WEBSITE_URL']));
  });

  it.each([...accepted, ...settingsReadElsewhere().filter((n) => !accepted.includes(n))])('%s is in .env.example and in the README settings table', (name) => {
    expect(example).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    expect(settingsTable).toMatch(new RegExp(`\`${name}\``));
  });

  it('.env.example sets nothing the code does not read', () => {
    const known = new Set([...accepted, ...settingsReadElsewhere()]);
    const set = [...example.matchAll(/^(?:# )?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]);
    expect(set.filter((n) => !known.has(n))).toEqual([]);
  });

  it('HOST defaults to loopback; the README says so and what the image sets', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(settingsTable).toMatch(/\| `HOST` \| `127\.0\.0\.1` \|.*`0\.0\.0\.0`/);
    // Left unset in .env.example, so a copied file cannot pull the image back onto loopback.
    expect(parseDotenv(example).HOST).toBeUndefined();
  });

  it('a copied .env.example is a valid configuration with every channel off', () => {
    const config = loadConfig(parseDotenv(example));
    expect({ slack: config.slackEnabled, teams: config.teamsEnabled, llm: config.llmEnabled, db: config.DATABASE_URL }).toEqual({ slack: false, teams: false, llm: false, db: undefined });
  });
});

describe('cp .env.example .env', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'whosecures-dotenv-'));
    copyFileSync(join(root, '.env.example'), join(dir, '.env'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });

  it('the CLI answers and reads the store the .env names (SQLite in ./data)', () => {
    const bin = join(root, 'bin/whosecures.js');
    const ask = spawnSync(process.execPath, [bin, 'ask', 'who patches the guest OS on EC2?'], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(ask.stderr).toBe('');
    expect(ask.status).toBe(0);
    const report = spawnSync(process.execPath, [bin, 'onboarding', 'report'], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    expect(report.stdout).toMatch(/^started: 0, finished: 0/m);
    // DATA_DIR=./data from the file: the store is in the folder the command ran in.
    expect(readdirSync(join(dir, 'data'))).toContain('whosecures.db');
  });

  it('npm start (node dist/src/index.js) starts on loopback with it', async () => {
    // PORT from the environment wins over the file's 3978, so the test does not need that port free.
    const child = spawn(process.execPath, [join(root, 'dist/src/index.js')], { cwd: dir, env: { ...env(), PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "listening" line:\n${out}`)), 20_000);
        child.stdout.on('data', () => {
          const line = out.split('\n').find((l) => l.includes('"listening"'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line) as Record<string, unknown>);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
      });
      expect(listening).toMatchObject({ store: 'sqlite' });
      // The kernel's table of listening sockets: bound to 127.0.0.1 only (0100007F), not 0.0.0.0 or ::.
      expect(listeningAddresses(Number(listening.port))).toEqual(['0100007F']);
      const ready = await fetch(`http://127.0.0.1:${String(listening.port)}/readyz`);
      expect(ready.status).toBe(200);
      expect(readdirSync(join(dir, 'data'))).toContain('whosecures.db');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('ESCALATION_CHANNEL', () => {
  it('is off when empty and takes only a Slack channel id', () => {
    expect(loadConfig({}).ESCALATION_CHANNEL).toBeUndefined();
    expect(loadConfig({ ESCALATION_CHANNEL: ' ' }).ESCALATION_CHANNEL).toBeUndefined();
    expect(loadConfig({ ESCALATION_CHANNEL: 'C0CURATORS' }).ESCALATION_CHANNEL).toBe('C0CURATORS');
    expect(() => loadConfig({ ESCALATION_CHANNEL: '#security' })).toThrow(/ESCALATION_CHANNEL/);
  });
});
