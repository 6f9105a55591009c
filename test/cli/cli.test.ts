import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main';
import { capture } from '../helpers/cliIo';

const bin = join(__dirname, '../../bin/whosecures.js');

describe('whosecures ask', () => {
  it('prints the answer with numbered citations', async () => {
    const io = capture();
    expect(await main(['ask', 'who patches the guest OS on EC2?'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^You are responsible/);
    expect(text).toMatch(/\[1\] .+ <https:\/\//);
  });

  it('prints one JSON object with the documented contract', async () => {
    const io = capture();
    expect(await main(['ask', '--json', 'is encrypting EBS on me?'], io)).toBe(0);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json).toMatchObject({ intent: 'lookup', verdict: 'customer', topic: { id: 'ebs.encryption-at-rest' }, cells: ['ebs.encryption-at-rest'] });
    expect(typeof json.answer).toBe('string');
    expect(typeof json.confidence).toBe('number');
    expect(Array.isArray(json.suggestions)).toBe(true);
    for (const c of json.citations) expect(Object.keys(c).sort()).toEqual(['id', 'locator', 'quote', 'title', 'url']);
  });

  it('gives help a null verdict', async () => {
    const io = capture();
    await main(['ask', '--json', 'help'], io);
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ intent: 'help', verdict: null });
  });

  it('answers bad input clearly with a non-zero exit code for unusable input', async () => {
    const io = capture();
    expect(await main(['ask', '--json', 'y'.repeat(20_000)], io)).toBe(1);
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ intent: 'invalid_input', verdict: null });
    const usage = capture();
    // No question, and standard input is a terminal: nothing to answer.
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    expect(await main(['ask'], usage, { stdin: terminal })).toBe(2);
    expect(usage.stderr).toEqual([expect.stringMatching(/^whosecures ask: no question.*\(see "whosecures ask --help"\)$/)]);
  });
});

describe('the installed bin', () => {
  it('reads one question per line from stdin with --json and writes one JSON line each, in order', () => {
    const input = ['who patches the os on rds', '', 'what is the shared responsibility model?', 'tell me a joke', '\u0000\u0001binary\u0002'].join('\n');
    const out = execFileSync('node', [bin, 'ask', '--json'], { input, encoding: 'utf8' });
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.verdict)).toEqual(['aws', 'shared', 'out_of_scope', expect.anything()]);
    expect(lines[0].question).toBe('who patches the os on rds');
  });

  it('kb check exits 0 on the shipped knowledge base', () => {
    const r = spawnSync('node', [bin, 'kb', 'check'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/knowledge base OK: \d+ services/);
  });

  it('chat answers through the same router and keeps the thread for follow-ups', () => {
    const out = execFileSync('node', [bin, 'chat'], { input: 'who patches the guest os on ec2?\nand for rds?\nexit\n', encoding: 'utf8' });
    expect(out).toMatch(/You are responsible/);
    expect(out).toMatch(/AWS is responsible/);
  });
});
