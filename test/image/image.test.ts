import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { builtServices, envFiles, interpolate, loadCompose, serviceEnvironment } from './compose';
import { buildContext, execForm, isIgnored, parseDockerfile, parseDockerignore, parseEnv, splitFlags, type Instruction } from './dockerfile';

/**
 * The image and the compose file, read as Docker and Compose read them (the full build and run
 * is `npm run test:image`, test/image/image.replay.ts): what each stage copies is in the build
 * context, what the build compiles is what it copies, the image runs as a non-root user on every
 * interface, and each replica's environment from a copied .env.example is a valid configuration.
 */
const root = join(__dirname, '../..');
const instructions = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));

function stages(list: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const ins of list) {
    if (ins.keyword === 'FROM') out.push([]);
    out[out.length - 1].push(ins);
  }
  return out;
}

describe('the Dockerfile parser', () => {
  it('joins continuations, drops comments (also inside a continuation) and reads flags and both command forms', () => {
    const parsed = parseDockerfile(['# syntax=docker/dockerfile:1', 'FROM x AS build', 'RUN a \\', '  # a comment', ' && b', '', 'COPY --from=build /app/x ./y', 'CMD ["node", "a.js"]'].join('\n'));
    expect(parsed.map((i) => [i.keyword, i.args])).toEqual([
      ['FROM', 'x AS build'],
      ['RUN', 'a  && b'],
      ['COPY', '--from=build /app/x ./y'],
      ['CMD', '["node", "a.js"]'],
    ]);
    expect(splitFlags(parsed[2].args)).toEqual({ flags: { from: 'build' }, rest: '/app/x ./y' });
    expect(execForm(parsed[3].args)).toEqual(['node', 'a.js']);
    expect(execForm('node a.js')).toBeUndefined();
    expect(parseEnv('A=1 B="two words" C=')).toEqual({ A: '1', B: 'two words', C: '' });
    expect(parseEnv('A one two')).toEqual({ A: 'one two' });
  });

  it('applies .dockerignore as Docker does: from the context root, folders with their contents, last match wins', () => {
    const rules = parseDockerignore(['test', '*.db', '.env.*', '**/*.log', '!keep.log'].join('\n'));
    expect(isIgnored(rules, 'test')).toBe(true);
    expect(isIgnored(rules, 'test/eval/core.yaml')).toBe(true);
    expect(isIgnored(rules, 'src/test.ts')).toBe(false);
    expect(isIgnored(rules, 'a.db')).toBe(true);
    expect(isIgnored(rules, 'data/a.db')).toBe(false);
    expect(isIgnored(rules, '.env.example')).toBe(true);
    expect(isIgnored(rules, 'x/y/z.log')).toBe(true);
    expect(isIgnored(rules, 'keep.log')).toBe(false);
  });
});

describe('the Dockerfile', () => {
  let context: string;
  let sent: Set<string>;
  beforeAll(() => {
    context = mkdtempSync(join(tmpdir(), 'whosecures-context-'));
    sent = new Set(buildContext(root, context));
  });
  afterAll(() => rmSync(context, { recursive: true, force: true }));

  it('keeps secrets, local state and the tests out of the build context', () => {
    for (const p of sent) expect(p).not.toMatch(/^(\.env($|\.)|node_modules\/|dist\/|data\/|test\/|\.git($|\/))/);
    expect(sent.has('package.json')).toBe(true);
    expect(sent.has('package-lock.json')).toBe(true);
  });

  it('every COPY from the build context names something the context holds', () => {
    for (const ins of instructions.filter((i) => i.keyword === 'COPY')) {
      const { flags, rest } = splitFlags(ins.args);
      if (flags.from) continue;
      const sources = (execForm(rest) ?? rest.split(/\s+/)).slice(0, -1);
      for (const src of sources) expect({ line: ins.line, src, inContext: [...sent].some((p) => p === src || p.startsWith(`${src.replace(/\/$/, '')}/`)) }).toEqual({ line: ins.line, src, inContext: true });
    }
  });

  it('the build compiles only what the build stage copies, and nothing it compiles imports from outside', () => {
    const build = stages(instructions)[0];
    const copied = build.filter((i) => i.keyword === 'COPY').flatMap((i) => splitFlags(i.args).rest.split(/\s+/).slice(0, -1));
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { extends?: string; include: string[] };
    expect(copied).toContain('tsconfig.build.json');
    if (tsconfig.extends) expect(copied).toContain(tsconfig.extends.replace(/^\.\//, ''));
    for (const dir of tsconfig.include) expect(copied).toContain(dir);
    // Every relative import of a compiled file stays inside the compiled folders (bench/ imports test/, so bench is not built).
    const compiled = tsconfig.include.map((d) => resolve(root, d));
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    compiled.forEach(walk);
    const outside: string[] = [];
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\(\s*|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(f), m[1]);
        if (!compiled.some((c) => target === c || target.startsWith(`${c}/`)) && !target.startsWith(join(root, 'package.json'))) outside.push(`${relative(root, f)} -> ${m[1]}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('the image runs the compiled server as a non-root user, listening on every interface, with a health check', () => {
    const final = stages(instructions).at(-1)!;
    const env = Object.assign({}, ...final.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args))) as Record<string, string>;
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '3978' });
    const users = final.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.at(-1)).toBe('node');
    const cmd = execForm(final.filter((i) => i.keyword === 'CMD').at(-1)!.args)!;
    expect(cmd).toEqual(['node', JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start.split(' ')[1]]);
    expect(final.find((i) => i.keyword === 'HEALTHCHECK')?.args).toMatch(/\/healthz/);
  });
});

describe('docker-compose.yml', () => {
  const compose = loadCompose(join(root, 'docker-compose.yml'));
  const bots = builtServices(compose);

  it('runs two replicas of the image on one PostgreSQL, each published on its own port', () => {
    expect(bots.map(([name]) => name)).toEqual(['bot-1', 'bot-2']);
    for (const [, s] of bots) {
      expect(s.build).toBe('.');
      expect(s.depends_on).toEqual({ db: { condition: 'service_healthy' } });
      expect(s.read_only).toBe(true);
    }
    const published = bots.map(([, s]) => s.ports![0].split(':'));
    expect(new Set(published.map(([host]) => host)).size).toBe(2);
    const env = serviceEnvironment(bots[0][1], '/nonexistent');
    for (const [, container] of published) expect(container).toBe(env.PORT);
    expect(compose.services.db.image).toMatch(/^postgres:/);
    expect(compose.services.db.healthcheck?.test).toBeDefined();
  });

  it('reads an optional .env in the long env_file form, which needs Compose 2.24 (the docs say so)', () => {
    for (const [, s] of bots) expect(envFiles(s)).toEqual([{ path: '.env', required: false }]);
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toMatch(/Compose 2\.24/);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/Compose 2\.24/);
  });

  it('interpolates like Compose', () => {
    expect(interpolate('a${X:-d}b${Y-e}c${Z}$$', { X: '', Y: '', Z: 'z' })).toBe('adbcz$');
    expect(interpolate('${X:-d}', { X: 'x' })).toBe('x');
    expect(() => interpolate('${X:?required}', {})).toThrow(/not supported/);
  });

  it('each replica starts from a copied .env.example: its environment is a valid configuration on every interface', () => {
    const project = mkdtempSync(join(tmpdir(), 'whosecures-compose-'));
    try {
      for (const withEnvFile of [true, false]) {
        if (withEnvFile) copyFileSync(join(root, '.env.example'), join(project, '.env'));
        else rmSync(join(project, '.env'), { force: true });
        for (const [, s] of bots) {
          const image = Object.assign({}, ...stages(instructions).at(-1)!.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args))) as Record<string, string>;
          const config = loadConfig({ ...image, ...serviceEnvironment(s, project) });
          expect(config.HOST).toBe('0.0.0.0');
          expect(config.DATABASE_URL).toMatch(/^postgres:\/\/whosecures:[^@]+@db:5432\/whosecures$/);
          expect(config.teamsEnabled).toBe(false);
          expect(config.slackEnabled).toBe(false);
        }
      }
      expect(statSync(project).isDirectory()).toBe(true);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
