import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, posix } from 'node:path';

/**
 * The repository's Dockerfile, read and replayed without a container engine: the build context
 * minus .dockerignore, each stage in a folder of its own standing for its filesystem root, the
 * COPY and RUN lines in order. Anything this replayer does not know fails loudly, so the check
 * breaks when the Dockerfile grows a step it cannot reproduce rather than skipping it.
 */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

/** Lines as Docker reads them: parser directives and comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: { text: string; line: number } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const trimmed = raw.trim();
    // Comments (and parser directives, which are comments to the parser) are dropped, even inside a continuation.
    if (trimmed.startsWith('#')) continue;
    if (!current && trimmed === '') continue;
    const continues = /\\\s*$/.test(raw);
    const part = continues ? raw.replace(/\\\s*$/, '') : raw;
    if (!current) current = { text: part.trimStart(), line: i + 1 };
    else current.text += part;
    if (continues) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(current.text.trim());
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: current.line });
    current = undefined;
  }
  if (current) throw new Error(`Dockerfile line ${current.line}: continuation at end of file`);
  return out;
}

/** `--name=value` flags at the start of an instruction's arguments, and the rest. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s+/.exec(rest);
    if (!m) return { flags, rest };
    flags[m[1]] = m[2];
    rest = rest.slice(m[0].length);
  }
}

/** The exec form (`["node", "x.js"]`) as an argument list; the shell form as undefined. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed as string[];
}

/** Words as a shell splits them, for ENV, COPY and apt-get lines (double and single quotes). */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g;
  let m: RegExpExecArray | null;
  let word = '';
  let last = -1;
  while ((m = re.exec(text))) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] !== undefined ? m[2] : m[3];
    if (last === m.index) word += piece;
    else {
      if (last !== -1) out.push(word);
      word = piece;
    }
    last = m.index + m[0].length;
  }
  if (last !== -1) out.push(word);
  return out;
}

/** `ENV A=1 B="two words"` (and the old `ENV A value` form). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(args);
    if (!m) throw new Error(`ENV ${args}: no value`);
    env[m[1]] = m[2];
    return env;
  }
  for (const w of words(args)) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new Error(`ENV ${args}: "${w}" is not KEY=value`);
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return env;
}

// --- the build context --------------------------------------------------------------------------

interface IgnoreRule {
  negate: boolean;
  re: RegExp;
}

/** .dockerignore rules as Docker applies them: relative to the context root, the last match wins. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split('\n')) {
    let line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    const pattern = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '*' && pattern[i + 1] === '*') {
        re += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    // A pattern that names a folder excludes everything under it.
    rules.push({ negate, re: new RegExp(`^${re}(/.*)?$`) });
  }
  return rules;
}

export function isIgnored(rules: IgnoreRule[], relPath: string): boolean {
  let ignored = false;
  for (const r of rules) if (r.re.test(relPath)) ignored = !r.negate;
  return ignored;
}

/** Copies what `docker build .` would send: the folder minus .dockerignore. Returns the relative paths sent. */
export function buildContext(sourceDir: string, targetDir: string): string[] {
  const ignorePath = join(sourceDir, '.dockerignore');
  const rules = existsSync(ignorePath) ? parseDockerignore(readFileSync(ignorePath, 'utf8')) : [];
  const hasNegation = rules.some((r) => r.negate);
  const sent: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(sourceDir, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const ignored = isIgnored(rules, childRel);
      if (entry.isDirectory()) {
        if (ignored && !hasNegation) continue;
        walk(childRel);
      } else if (!ignored) {
        mkdirSync(join(targetDir, rel), { recursive: true });
        cpSync(join(sourceDir, childRel), join(targetDir, childRel), { verbatimSymlinks: true });
        sent.push(childRel);
      }
    }
  };
  mkdirSync(targetDir, { recursive: true });
  walk('');
  return sent;
}

// --- the replay ---------------------------------------------------------------------------------

/** The base image's accounts, by the ids the official node images give them. */
export const IMAGE_ACCOUNTS: Record<string, { uid: number; gid: number }> = { root: { uid: 0, gid: 0 }, node: { uid: 1000, gid: 1000 } };

export function account(user: string): { uid: number; gid: number } {
  const [name, group] = user.split(':');
  const byName = (n: string) => (/^\d+$/.test(n) ? Number(n) : IMAGE_ACCOUNTS[n]?.uid);
  const uid = byName(name);
  const gid = group === undefined ? IMAGE_ACCOUNTS[name]?.gid ?? uid : /^\d+$/.test(group) ? Number(group) : IMAGE_ACCOUNTS[group]?.gid;
  if (uid === undefined || gid === undefined) throw new Error(`USER ${user}: no such account in the base image`);
  return { uid, gid };
}

export interface Stage {
  index: number;
  name?: string;
  base: string;
  /** The folder standing for this stage's "/". */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  cmd?: string[];
  healthcheck?: { flags: Record<string, string>; cmd: string[] };
  volumes: string[];
  expose: string[];
}

export interface Step {
  stage: number;
  line: number;
  text: string;
  /** What the replay did for it. */
  action: 'ran' | 'copied' | 'set' | 'checked-packages';
  ms: number;
}

export interface ReplayOptions {
  /** The build context, as buildContext made it. */
  context: string;
  /** Empty folder for the stages' roots. */
  workRoot: string;
  /** Environment for RUN besides the stage's ENV (PATH, HOME for npm's cache). */
  hostEnv: Record<string, string>;
  log?: (line: string) => void;
}

export interface Replay {
  stages: Stage[];
  final: Stage;
  steps: Step[];
  /** `/app` in the final stage, as a host path. */
  path(stage: Stage, imagePath: string): string;
}

export function stagePath(stage: Stage, imagePath: string): string {
  const abs = isAbsolute(imagePath) ? imagePath : posix.join(stage.workdir, imagePath);
  return join(stage.root, abs);
}

/** Copies like COPY: a folder's contents into the destination, a file into it or onto it. */
function copy(from: string, to: string, intoDir: boolean): void {
  const st = statSync(from);
  if (st.isDirectory()) {
    mkdirSync(to, { recursive: true });
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    return;
  }
  const dest = intoDir ? join(to, basename(from)) : to;
  mkdirSync(intoDir ? to : join(dest, '..'), { recursive: true });
  cpSync(from, dest, { verbatimSymlinks: true });
}

/** apt-get runs against the base image; here the check is that the packages it installs are installed. */
function aptPackages(command: string): string[] | undefined {
  const parts = command.split(/\s*&&\s*/).map((p) => p.trim());
  if (!parts.some((p) => p.startsWith('apt-get'))) return undefined;
  const packages: string[] = [];
  for (const p of parts) {
    const w = words(p);
    if (w[0] === 'apt-get' && w[1] === 'update') continue;
    if (p === 'rm -rf /var/lib/apt/lists/*') continue;
    if (w[0] === 'apt-get' && w[1] === 'install') packages.push(...w.slice(2).filter((x) => !x.startsWith('-')));
    else throw new Error(`RUN mixes apt-get with other commands, which is not replayed: ${command}`);
  }
  return packages;
}

function run(command: string[], options: { cwd: string; env: Record<string, string>; uid?: number; gid?: number }, log?: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Switch accounts only when it is another one (a non-root run can replay root steps as itself).
    const same = options.uid === undefined || options.uid === process.getuid?.();
    const ids = same ? {} : { uid: options.uid, gid: options.gid };
    const child = spawn(command[0], command.slice(1), { cwd: options.cwd, env: options.env, ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + String(d)).slice(-6000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      log?.(tail);
      reject(new Error(`${command.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

/**
 * Replays the Dockerfile's stages in order. Absolute paths in RUN lines that fall inside the
 * stage's own folders (`/app/data`) are rewritten to the stage's root, and the base image's
 * account names to their ids (the host has no `node` account).
 */
export async function replayDockerfile(instructions: Instruction[], options: ReplayOptions): Promise<Replay> {
  const stages: Stage[] = [];
  const steps: Step[] = [];
  let stage: Stage | undefined;
  for (const ins of instructions) {
    const started = Date.now();
    const text = `${ins.keyword} ${ins.args}`;
    const record = (action: Step['action']) => steps.push({ stage: stage!.index, line: ins.line, text: text.replace(/\s+/g, ' '), action, ms: Date.now() - started });
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: FROM ${ins.args}`);
      const index = stages.length;
      const root = join(options.workRoot, `stage-${index}`);
      mkdirSync(root, { recursive: true });
      chmodSync(root, 0o755);
      stage = { index, name: m[2], base: m[1], root, workdir: '/', env: {}, user: 'root', volumes: [], expose: [] };
      stages.push(stage);
      options.log?.(`stage ${index}${stage.name ? ` (${stage.name})` : ''} from ${stage.base}`);
      continue;
    }
    if (!stage) throw new Error(`line ${ins.line}: ${ins.keyword} before FROM`);
    switch (ins.keyword) {
      case 'WORKDIR': {
        stage.workdir = posix.resolve(stage.workdir, ins.args);
        mkdirSync(stagePath(stage, stage.workdir), { recursive: true });
        record('set');
        break;
      }
      case 'ENV':
        Object.assign(stage.env, parseEnv(ins.args));
        record('set');
        break;
      case 'USER':
        account(ins.args);
        stage.user = ins.args;
        record('set');
        break;
      case 'VOLUME':
        stage.volumes.push(...(execForm(ins.args) ?? words(ins.args)));
        record('set');
        break;
      case 'EXPOSE':
        stage.expose.push(...words(ins.args));
        record('set');
        break;
      case 'CMD':
        stage.cmd = execForm(ins.args) ?? ['/bin/sh', '-c', ins.args];
        record('set');
        break;
      case 'HEALTHCHECK': {
        const { flags, rest } = splitFlags(ins.args);
        const m = /^CMD\s+([\s\S]+)$/.exec(rest);
        if (!m) throw new Error(`line ${ins.line}: HEALTHCHECK ${rest}`);
        stage.healthcheck = { flags, cmd: execForm(m[1]) ?? ['/bin/sh', '-c', m[1]] };
        record('set');
        break;
      }
      case 'COPY': {
        const { flags, rest } = splitFlags(ins.args);
        for (const f of Object.keys(flags)) if (f !== 'from') throw new Error(`line ${ins.line}: COPY --${f} is not replayed`);
        const parts = execForm(rest) ?? words(rest);
        const dest = parts.pop()!;
        if (parts.some((p) => /[*?[]/.test(p))) throw new Error(`line ${ins.line}: COPY with wildcards is not replayed`);
        let fromRoot = options.context;
        let fromStage: Stage | undefined;
        if (flags.from !== undefined) {
          fromStage = stages.find((s) => s.name === flags.from || String(s.index) === flags.from);
          if (!fromStage) throw new Error(`line ${ins.line}: COPY --from=${flags.from}: no such stage (an outside image is not replayed)`);
          fromRoot = fromStage.root;
        }
        const destPath = stagePath(stage, dest);
        const intoDir = dest.endsWith('/') || parts.length > 1;
        for (const src of parts) {
          const from = fromStage ? join(fromRoot, posix.resolve('/', src)) : join(fromRoot, posix.normalize(src).replace(/^\/+/, ''));
          if (!existsSync(from)) {
            throw new Error(`line ${ins.line}: COPY ${src}: not found in ${fromStage ? `stage ${fromStage.name ?? fromStage.index}` : 'the build context (is it in .dockerignore?)'}`);
          }
          copy(from, destPath, intoDir || (lstatSync(from).isFile() && existsSync(destPath) && statSync(destPath).isDirectory()));
        }
        record('copied');
        break;
      }
      case 'RUN': {
        const exec = execForm(ins.args);
        const packages = exec ? undefined : aptPackages(ins.args);
        if (packages) {
          const missing = packages.filter((p) => !/install ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout ?? ''));
          if (missing.length) throw new Error(`line ${ins.line}: the image installs ${missing.join(', ')}, which this machine lacks: apt-get install ${missing.join(' ')}`);
          record('checked-packages');
          break;
        }
        const tops = readdirSync(stage.root).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        const rewrite = (s: string) => {
          let out = s;
          if (tops.length) out = out.replace(new RegExp(`(^|[\\s=:'"])(/(?:${tops.join('|')}))(?=/|\\s|$|['"])`, 'g'), (_m, pre: string, p: string) => `${pre}${stage!.root}${p}`);
          // chown to the base image's accounts by id.
          return out.replace(/\bchown\s+(\S+)/g, (_m, who: string) => {
            const { uid, gid } = account(who.includes(':') ? who : `${who}:${who}`);
            return `chown ${uid}:${gid}`;
          });
        };
        const command = exec ? exec.map(rewrite) : ['/bin/sh', '-c', rewrite(ins.args)];
        const user = account(stage.user);
        options.log?.(`RUN ${ins.args}`);
        await run(command, { cwd: stagePath(stage, stage.workdir), env: { ...options.hostEnv, ...stage.env }, uid: user.uid, gid: user.gid }, options.log);
        record('ran');
        break;
      }
      case 'ARG':
      case 'LABEL':
        record('set');
        break;
      default:
        throw new Error(`line ${ins.line}: ${ins.keyword} is not replayed; teach test/image/dockerfile.ts what it does`);
    }
  }
  if (!stages.length) throw new Error('no FROM in the Dockerfile');
  const final = stages[stages.length - 1];
  return { stages, final, steps, path: stagePath };
}
