import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest PostgreSQL server binaries Debian installed, or undefined. */
export function pgBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temp folder, on a free port), so
 * a test can stop and start it without touching the machine's shared server.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly asUser: string[],
  ) {}

  private hung: number[] = [];

  static async create(): Promise<PrivatePostgres> {
    const bin = pgBinDir();
    if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'whosecures-pg-'));
    // initdb refuses to run as root: run the cluster as the postgres system user then.
    const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (asUser.length) {
      chmodSync(dir, 0o777);
    }
    const data = join(dir, 'data');
    const pg = new PrivatePostgres(bin, dir, await freePort(), asUser);
    pg.run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    pg.start();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): string {
    const [cmd, ...pre] = this.asUser.length ? this.asUser : [join(this.bin, tool)];
    const full = this.asUser.length ? [...pre, join(this.bin, tool), ...args] : args;
    return execFileSync(cmd, full, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', opts, '-w', '-t', '30', 'start']);
  }

  /** `fast`: connections are cut at once, as when the server crashes or is restarted. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '30', 'stop']);
  }

  /** The postmaster and every process it started (backends, checkpointer, ...). */
  private processes(): number[] {
    const pid = Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) children.push(Number(entry));
      } catch {
        // gone already
      }
    }
    return [pid, ...children];
  }

  /**
   * Hangs the server without closing anything: every process is stopped (SIGSTOP), so
   * connections stay open, new ones are accepted by the kernel, and no query ever answers.
   */
  hang(): void {
    this.hung = this.processes();
    for (const pid of this.hung) process.kill(pid, 'SIGSTOP');
  }

  resume(): void {
    for (const pid of this.hung) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
    this.hung = [];
  }

  destroy(): void {
    this.resume();
    try {
      this.stop('immediate');
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether a private cluster can be made here (binaries present, and runuser when root). */
export function privatePostgresAvailable(): { ok: boolean; reason: string } {
  if (!pgBinDir()) return { ok: false, reason: 'no PostgreSQL server binaries' };
  if (process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'postgres', '--', 'true']).status !== 0) return { ok: false, reason: 'cannot run as the postgres user' };
  return { ok: true, reason: '' };
}
