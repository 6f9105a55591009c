import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { defaultKnowledgeDir, loadKnowledge } from '../../src/knowledge/loader';
import { actionWord, checkStyle, isImperative, isThirdPerson } from '../../src/knowledge/style';

describe('how a bullet opens', () => {
  it('finds the action past adverbs and an opening clause', () => {
    expect(actionWord('Install OS updates on every instance.')).toBe('install');
    expect(actionWord('Optionally enables encryption by default.')).toBe('enables');
    expect(actionWord('If you import a certificate, renew it yourself.')).toBe('renew');
    expect(actionWord('If you import a certificate renew it yourself.')).toBeUndefined();
  });

  it('tells the third person, irregulars included, from an instruction', () => {
    for (const word of ['installs', 'manages', 'configures', 'applies', 'does', 'has', 'is', 'patches']) expect(isThirdPerson(word)).toBe(true);
    for (const word of ['install', 'access', 'process', 'analysis', 'kubernetes', 'always']) expect(isThirdPerson(word)).toBe(false);
    for (const word of ['install', 'patch', 'apply', 'supply', 'encrypt', 'choose']) expect(isImperative(word)).toBe(true);
    for (const word of ['patches', 'encrypted', 'nothing', 'can', 'with', 'optionally', 'regularly']) expect(isImperative(word)).toBe(false);
  });
});

describe('style warnings on a broken copy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-style-'));
    cpSync(defaultKnowledgeDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string | RegExp, to: string) => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const next = text.replace(from, to);
    expect(next).not.toBe(text);
    writeFileSync(path, next);
  };
  /** The style warnings about one cell, as "entry: message" lines. */
  const warningsOf = (cell: string) =>
    checkStyle(loadKnowledge(dir))
      .filter((w) => w.entry === `cell ${cell}`)
      .map((w) => w.message);

  it('has none on the cell before it is broken', () => {
    expect(warningsOf('ec2.os-patching')).toEqual([]);
    expect(warningsOf('ec2.encryption-at-rest')).toEqual([]);
  });

  it('reports a What you do bullet in the third person, after an adverb too', () => {
    edit('services/ec2.yaml', '- Install OS updates and security patches on every instance', '- Installs OS updates and security patches on every instance');
    edit('services/ec2.yaml', '- Vet shared and community AMIs before using them.', '- Optionally vets shared and community AMIs before using them.');
    const messages = warningsOf('ec2.os-patching');
    expect(messages).toEqual([expect.stringMatching(/What you do bullet reads in the third person \("installs"\)/), expect.stringMatching(/What you do bullet reads in the third person \("vets"\)/)]);
  });

  it('reports an irregular third person ("Does", "Has") and a bullet that starts with "You"', () => {
    edit('services/ec2.yaml', '- Install OS updates and security patches on every instance', '- Does the OS updates and security patches on every instance');
    edit('services/ec2.yaml', '- Vet shared and community AMIs before using them.', '- You vet shared and community AMIs before using them.');
    const messages = warningsOf('ec2.os-patching');
    expect(messages).toEqual([expect.stringMatching(/third person \("does"\)/), expect.stringMatching(/starts with "You"/)]);
  });

  it('reports a What AWS does bullet written as an instruction', () => {
    edit('services/ec2.yaml', '- Patches the host operating system and the hypervisor', '- Patch the host operating system and the hypervisor');
    expect(warningsOf('ec2.os-patching')).toEqual([expect.stringMatching(/What AWS does bullet reads as an instruction \("patch"\)/)]);
  });

  it('reports a bullet with two sentences of actions, not one with "e.g." in it', () => {
    edit('services/ec2.yaml', '- Vet shared and community AMIs before using them.', '- Vet shared and community AMIs before using them. Remove the ones you no longer trust.');
    edit('services/ec2.yaml', '- Encrypt data inside any software you run.', '- Encrypt data inside any software you run, e.g. Postgres. Not needed for NVMe.');
    expect(warningsOf('ec2.os-patching')).toEqual([expect.stringMatching(/What you do bullet holds two actions; split it: "Vet shared/)]);
    expect(warningsOf('ec2.encryption-at-rest')).toEqual([]);
  });

  it('reports two conditions of a cell with the same label', () => {
    edit('services/ec2.yaml', 'when: "Non-NVMe instance store on older instance types"', 'when: "NVMe instance store volumes"');
    expect(warningsOf('ec2.encryption-at-rest')).toEqual([expect.stringMatching(/two conditions share the label "NVMe instance store volumes"/)]);
  });

  it('reports a summary longer than the limit', () => {
    const kb = loadKnowledge(dir);
    const words = kb.cells.get('ec2.os-patching')!.summary.split(/\s+/).length;
    expect(checkStyle(kb, { maxSummaryWords: words }).filter((w) => w.entry === 'cell ec2.os-patching')).toEqual([]);
    expect(checkStyle(kb, { maxSummaryWords: words - 1 }).filter((w) => w.entry === 'cell ec2.os-patching').map((w) => w.message)).toEqual([`summary has ${words} words (at most ${words - 1}: one or two sentences)`]);
  });

  it('kb check prints style warnings and exits 0; --strict-style fails on them', async () => {
    edit('services/ec2.yaml', '- Install OS updates and security patches on every instance', '- Installs OS updates and security patches on every instance');
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const status = await main(['kb', 'check', '--dir', dir, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { status, out: out.join('\n'), err: err.join('\n') };
    };
    const loose = await run([]);
    expect(loose.status).toBe(0);
    expect(loose.out).toMatch(/^warning: services\/ec2\.yaml: cell ec2\.os-patching: What you do bullet reads in the third person/m);
    expect(loose.out).toMatch(/knowledge base OK: .*; \d+ warning\(s\)$/m);
    const strict = await run(['--strict-style']);
    expect(strict.status).toBe(1);
    expect(strict.err).toMatch(/services\/ec2\.yaml: cell ec2\.os-patching: What you do bullet reads in the third person/);
  });
});
