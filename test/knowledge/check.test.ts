import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { checkKnowledge } from '../../src/knowledge/check';
import { KnowledgeError } from '../../src/knowledge/errors';
import { defaultKnowledgeDir, loadKnowledge } from '../../src/knowledge/loader';

describe('the shipped knowledge base', () => {
  const kb = loadKnowledge();

  it('passes every check: quotes verbatim, citations resolve, no orphans, no alias collisions', () => {
    expect(checkKnowledge(kb)).toEqual([]);
  });

  it('covers at least 35 services and 300 cells, each with a citation', () => {
    expect(kb.services.size - 1).toBeGreaterThanOrEqual(35);
    expect(kb.cells.size).toBeGreaterThanOrEqual(300);
    for (const cell of kb.cells.values()) expect(cell.citations.length).toBeGreaterThan(0);
  });

  it('covers every service named in the research fact sheet', () => {
    for (const id of ['ec2', 'ebs', 'vpc', 's3', 'dynamodb', 'rds', 'aurora', 'lambda', 'ecs', 'fargate', 'eks', 'elastic-beanstalk', 'emr', 'lightsail', 'redshift', 'elasticache', 'sqs', 'sns', 'secrets-manager', 'kms', 'cloudhsm', 'cloudtrail', 'shield', 'waf', 'route53', 'cloudfront', 'api-gateway', 'cognito', 'glue', 'sagemaker', 'workspaces', 'outposts', 'iam', 's3-glacier']) {
      expect(kb.services.has(id)).toBe(true);
    }
  });

  it('ships the course lesson unchanged below its attribution header', () => {
    const shipped = readFileSync(join(defaultKnowledgeDir(), 'sources/aws-cloud-practitioner-srm-lesson.txt'), 'utf8');
    const body = shipped.slice(shipped.indexOf('\n---\n') + 5);
    expect(body.trim().split('\n')).toHaveLength(8);
    expect(shipped).toContain('# Source: AWS Cloud Practitioner Essentials');
    expect(kb.sourceParagraphs.get('course-srm-lesson')).toHaveLength(8);
  });
});

describe('kb check on a broken copy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-'));
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

  it('reports a quote that is not verbatim in its paragraph', () => {
    edit('services/ec2.yaml', 'quote: you are responsible for tasks like patching the operating systems of your VMs', 'quote: AWS patches the operating systems of your VMs');
    const problems = checkKnowledge(loadKnowledge(dir));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/quote not found verbatim/);
  });

  it('reports citations to unknown sources and orphaned cells', () => {
    edit('services/ec2.yaml', '      - source: ec2-update-management', '      - source: no-such-source');
    edit('services/ec2.yaml', '  - area: credentials', '  - area: no-such-area');
    const messages = checkKnowledge(loadKnowledge(dir)).map((p) => `${p.entry}: ${p.message}`);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/unknown source "no-such-source"/), expect.stringMatching(/ec2.no-such-area: area "no-such-area" is not in areas.yaml/)]));
  });

  it('reports a cell with two conditions marked as its defaults', () => {
    edit('services/sqs.yaml', '      - when: Queue created after late 2022\n', '      - when: Queue created after late 2022\n        default: true\n');
    expect(checkKnowledge(loadKnowledge(dir)).map((p) => `${p.entry}: ${p.message}`)).toContainEqual(expect.stringMatching(/sqs.encryption-at-rest.*more than one condition is marked default/));
  });

  it('reports an alias claimed by two services', () => {
    edit('services/ec2.yaml', 'aliases: [ec2,', 'aliases: [lambda, ec2,');
    expect(checkKnowledge(loadKnowledge(dir)).map((p) => p.message)).toContainEqual(expect.stringMatching(/alias "lambda" also belongs to/));
  });

  it('refuses to load an invalid file, naming the file and the entry', () => {
    edit('services/ec2.yaml', /owner: customer/, 'owner: nobody');
    expect(() => loadKnowledge(dir)).toThrow(KnowledgeError);
    try {
      loadKnowledge(dir);
    } catch (err) {
      expect((err as Error).message).toMatch(/services\/ec2\.yaml/);
      expect((err as Error).message).toMatch(/cells\[0\] \(os-patching\)\.owner/);
    }
  });

  it('reports a cell decided by a page it does not cite', () => {
    // The cell may already name the page that decided it: replace that line, or add one.
    edit('services/ec2.yaml', /(\n {2}- area: os-patching\n[\s\S]*?\n {4}verified: [0-9-]+)(\n {4}decided_by: [a-z0-9-]+)?/, '$1\n    decided_by: s3-encryption');
    expect(checkKnowledge(loadKnowledge(dir)).map((p) => `${p.entry}: ${p.message}`)).toContainEqual(expect.stringMatching(/ec2.os-patching: decided_by "s3-encryption" is not one of the cell's citations/));
  });

  it('kb check warns on cells verified more than 12 months ago, and --stale makes them a failure', async () => {
    edit('services/ec2.yaml', /(\n {2}- area: os-patching\n[\s\S]*?\n {4}verified: )[0-9-]+/, '$12020-01-15');
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const status = await main(['kb', 'check', '--dir', dir, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { status, out: out.join('\n'), err: err.join('\n') };
    };
    const loose = await run([]);
    expect(loose.status).toBe(0);
    expect(loose.out).toMatch(/^warning: services\/ec2\.yaml: cell ec2\.os-patching: last verified 2020-01-15, \d+ months ago \(more than 12\)$/m);
    const strict = await run(['--stale', '12']);
    expect(strict.status).toBe(1);
    expect(strict.err).toMatch(/cell ec2\.os-patching: last verified 2020-01-15/);
  });

  it('lists cells verified longer ago than --stale months', () => {
    const kb = loadKnowledge(dir);
    expect(checkKnowledge(kb, { staleMonths: 12, today: new Date('2026-12-01') })).toEqual([]);
    expect(checkKnowledge(kb, { staleMonths: 12, today: new Date('2028-06-01') }).length).toBe(kb.cells.size);
  });
});
