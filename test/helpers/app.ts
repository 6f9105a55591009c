import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp, type App } from '../../src/app';
import { loadConfig, secretValues } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { Store } from '../../src/store/types';

export interface TestApp {
  app: App;
  port: number;
  baseUrl: string;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Raw log text, for secret scans. */
  logText(): string;
  close(): Promise<void>;
}

/**
 * Starts the real app (real HTTP server, SQLite in a temporary folder unless DATABASE_URL is
 * given) on a free loopback port, with the given environment on top of a quiet default.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, options: { store?: Store } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'whosecures-test-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'debug', ...env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const app = await buildApp(config, { logger: createLogger(config.LOG_LEVEL, sink, secretValues(config)), ...(options.store ? { store: options.store } : {}) });
  const port = await app.listen();
  return {
    app,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    get logs() {
      return lines.map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return { raw: l };
        }
      });
    },
    logText: () => lines.join('\n'),
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
