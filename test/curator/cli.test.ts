import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kbCommand } from '../../src/cli/kb';
import { openStore } from '../../src/store';
import { seedGaps } from './helpers/seedGaps';
import { shippedKb } from './helpers/fixtureKb';
import { capture } from '../helpers/cliIo';

const bin = path.join(__dirname, '../../bin/whosecures.js');

describe('whosecures kb gaps / stats / matrix', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-curator-'));
    const store = await openStore({ dataDir, resilient: false });
    await seedGaps(store, new Date());
    await store.close();
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('kb gaps reads the store named by DATA_DIR, in each format', async () => {
    const json = capture();
    expect(await kbCommand(['gaps', '--since', '30d', '--format', 'json'], json, { DATA_DIR: dataDir })).toBe(0);
    const parsed = JSON.parse(json.stdout.join('\n'));
    expect(parsed.gaps.map((g: { key: string }) => g.key)).toEqual(['ec2.os-patching', 'words:zorblax', 'waf.backups', 's3.encryption-at-rest']);

    const csv = capture();
    expect(await kbCommand(['gaps', '--format', 'csv', '--limit', '2'], csv, { DATA_DIR: dataDir })).toBe(0);
    expect(csv.stdout.join('\n').split('\n')).toHaveLength(3);

    const table = capture();
    expect(await kbCommand(['gaps'], table, { DATABASE_URL: path.join(dataDir, 'whosecures.db') })).toBe(0);
    expect(table.stdout.join('\n')).toMatch(/^1\s+Amazon EC2 \/ Operating system patching\s+4/m);
  });

  it('kb gaps refuses a missing database instead of creating an empty one, and bad flags', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-curator-empty-'));
    try {
      const io = capture();
      expect(await kbCommand(['gaps'], io, { DATA_DIR: empty })).toBe(1);
      expect(io.stderr.join('\n')).toMatch(/cannot open the store: no database at .*whosecures\.db/);
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    for (const args of [['gaps', '--format', 'xml'], ['gaps', '--since', 'last week'], ['gaps', '--bogus'], ['stats', '--stale', 'x'], ['stats', '--format', 'csv']]) {
      const io = capture();
      expect(await kbCommand(args, io, { DATA_DIR: dataDir })).toBe(2);
      // One line naming the problem, with a pointer to the command's help.
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(/^whosecures kb (gaps|stats): .+ \(see "whosecures kb (gaps|stats) --help"\)$/);
    }
  });

  it('kb stats prints coverage, stale cells and missing core areas; --format json parses', async () => {
    const io = capture();
    expect(await kbCommand(['stats', '--stale', '12'], io, {})).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(new RegExp(`^\\d+ services, \\d+ areas \\(\\d+ core\\), ${shippedKb().cells.size} cells`));
    expect(text).toMatch(/^ec2\s+infrastructure\s+\d+/m);
    expect(text).toMatch(/^stale: /m);
    expect(text).toMatch(/^missing core areas: /m);
    const json = capture();
    expect(await kbCommand(['stats', '--format', 'json'], json, {})).toBe(0);
    expect(JSON.parse(json.stdout.join('\n')).totals.cells).toBe(shippedKb().cells.size);
  });

  it('kb matrix prints the text matrix, and --html one self-contained page', async () => {
    const text = capture();
    expect(await kbCommand(['matrix'], text, {})).toBe(0);
    expect(text.stdout.join('\n')).toMatch(/^ec2(\s+[AYSDaysd.!]){25}$/m);
    const html = capture();
    expect(await kbCommand(['matrix', '--html'], html, {})).toBe(0);
    const page = html.stdout.join('\n');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page.match(/data-cell="/g)).toHaveLength(shippedKb().cells.size);
  });

  it('the installed bin runs kb gaps against the environment', () => {
    const r = spawnSync('node', [bin, 'kb', 'gaps', '--format', 'csv'], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^ec2\.os-patching,ec2,os-patching,,4,0,0,4,3,/);
  });
});
