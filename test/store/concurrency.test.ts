import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describePostgres, dropSchema, postgresStatus, uniqueSchema } from './helpers/backends';
import { claimFromTwoProcesses } from './helpers/twoProcesses';

function expectExactlyOneWinnerPerId(results: { won: string[] }[]): void {
  const all = results.flatMap((r) => r.won);
  expect(all).toHaveLength(100);
  expect(new Set(all).size).toBe(100);
  // How the 100 split between the processes is timing; only the total is a guarantee.
  expect(results.map((r) => r.won.length).reduce((a, b) => a + b, 0)).toBe(100);
}

describePostgres('claims from two processes on one PostgreSQL', () => {
  const url = postgresStatus().url as string;
  const schema = uniqueSchema();

  afterAll(async () => {
    await dropSchema(url, schema);
  });

  test('1,000 concurrent claims of 100 ids give exactly 100 winners', async () => {
    const results = await claimFromTwoProcesses({ STORE_URL: url, STORE_SCHEMA: schema, CLAIMS: '500', IDS: '100' });
    expectExactlyOneWinnerPerId(results);
  });
});

describe('claims from two processes on one SQLite file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-2p-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('1,000 concurrent claims of 100 ids give exactly 100 winners', async () => {
    const results = await claimFromTwoProcesses({ STORE_DATA_DIR: dir, CLAIMS: '500', IDS: '100' });
    expectExactlyOneWinnerPerId(results);
  });
});
