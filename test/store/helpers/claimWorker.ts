/**
 * A separate process claiming event ids on a shared store, for the two-process tests.
 * Protocol: prints "ready" once the store is open, starts on a "go" line on stdin, then prints
 * one JSON line { won: string[] } with the ids it won.
 */
import readline from 'node:readline';
import { openStore } from '../../../src/store/open';

async function main(): Promise<void> {
  const claims = Number(process.env.CLAIMS ?? 500);
  const ids = Number(process.env.IDS ?? 100);
  const worker = process.env.WORKER_ID ?? '0';
  const store = await openStore({
    ...(process.env.STORE_URL ? { url: process.env.STORE_URL } : {}),
    ...(process.env.STORE_SCHEMA ? { schema: process.env.STORE_SCHEMA } : {}),
    ...(process.env.STORE_DATA_DIR ? { dataDir: process.env.STORE_DATA_DIR } : {}),
    poolSize: 10,
    resilient: false,
  });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    readline.createInterface({ input: process.stdin }).on('line', (line) => {
      if (line.trim() === 'go') resolve();
    });
  });
  // Each process walks the ids in a different order so the two collide in every pattern.
  const keys = Array.from({ length: claims }, (_, i) => `event:${(worker === '0' ? i : claims - 1 - i) % ids}`);
  const results = await Promise.all(keys.map(async (key) => ((await store.claimEvent(key, 3600)) ? key : undefined)));
  process.stdout.write(`${JSON.stringify({ won: results.filter((k): k is string => k !== undefined) })}\n`);
  await store.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
