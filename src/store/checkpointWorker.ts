import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * The SQLite store's checkpointer, in a worker thread with its own connection: every
 * `intervalMs` it copies the write-ahead log into the database file (PASSIVE: it never waits
 * for, nor blocks, the bot's writes) and syncs it. Run by SqliteDriver (see there); the bot's
 * own connection then almost never checkpoints, so the fsync of a checkpoint no longer stalls
 * its event loop, and pages written many times between two checkpoints are copied once.
 */
const { file, intervalMs, busyTimeoutMs } = workerData as { file: string; intervalMs: number; busyTimeoutMs: number };
const db = new Database(file, { timeout: busyTimeoutMs });
db.pragma(`busy_timeout = ${busyTimeoutMs}`);

function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or the file is gone: the next round (or the bot's own connection) tries again.
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort?.postMessage('stopped');
  parentPort?.close();
});
