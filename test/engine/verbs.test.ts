import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { defaultKnowledgeDir, loadKnowledge } from '../../src/knowledge/loader';
import { createRouter } from '../../src/engine/router';
import { Vocabulary } from '../../src/engine/vocabulary';
import { lemmaCandidates, VerbReader } from '../../src/engine/verbs';

const kb = loadKnowledge();

describe('verbs: the action a duty performs and the one a question asks about', () => {
  const reader = () => {
    const r = new VerbReader(new Vocabulary(kb), new Set(['do', 'take']));
    // Verbs are known from the duty lines that start with them (at least two lines each).
    for (const line of ['Runs, patches and scales the fleet.', 'Runs the hosts.', 'Patches the hosts.', 'Picks a maintenance window.', 'Picks the instance type.', 'Grants the response team access.', 'Grants roles.', 'Groups findings by severity.']) r.leadingVerbs(line);
    return r;
  };

  it('reads the leading verbs of a duty line, in canonical terms', () => {
    const r = reader();
    expect([...r.leadingVerbs('Runs, patches and scales the query fleet.')]).toEqual(['operate', 'patch', 'scale']);
    expect([...r.leadingVerbs('Optionally selects a customer managed key.')]).toEqual(['choose']);
    expect([...r.leadingVerbs('Picks a maintenance window and uses a standby broker.')]).toEqual(['choose']);
    // A verb that ends in -ly is the verb, not an adverb before it.
    expect([...r.leadingVerbs('Apply Vault Lock to every backup vault.')]).toEqual(['apply']);
    expect([...r.leadingVerbs('Supply the key on every request.')]).toEqual(['supply']);
  });

  it('answers an action from the duty that performs it, not from an optional choice or a duty about the opposite kind of thing', () => {
    const router = createRouter(kb);
    const ask = (text: string) => router.route({ text, platform: 'cli', userId: 'u', conversationId: 'c' });
    expect(ask('who applies vault lock to the AWS Backup vault holding our recovery points?').verdict).toBe('customer');
    // "Apply a scheduled update now if you do not want to wait" is a choice, not the one applying updates.
    expect(ask('elastic beanstalk with managed platform updates enabled: who applies patch and minor platform updates?').verdict).toBe('aws');
    // "Apply optional OS updates yourself" is not about the required ones.
    expect(ask('who is on the hook for applying the required OS security patches on our RDS postgres?').verdict).toBe('aws');
  });

  it('finds the verb a question asks about after "who", "do we", "need to" or "responsible for"', () => {
    const r = reader();
    expect(r.askedVerb('who schedules the weekly maintenance window'.split(' '))).toBe('choose');
    expect(r.askedVerb('who is actually responsible for granting the srt access'.split(' '))).toBe('grant');
    expect(r.askedVerb('do we pick the window ourselves'.split(' '))).toBe('choose');
    expect(r.askedVerb('who does the os patching'.split(' '))).toBe('patch');
  });

  it('knows no verb from a word that leads one duty line only, nor a light verb', () => {
    const r = reader();
    expect(r.askedVerb('who kicks off the node group update'.split(' '))).toBeUndefined();
    expect(r.askedVerb('who takes care of it'.split(' '))).toBeUndefined();
  });

  it('reads verbs a line names later, after "and" or a comma, and every action any word names', () => {
    const r = reader();
    expect([...r.laterVerbs('Tracks the shipment and grants the courier access.')]).toEqual(['grant']);
    expect(r.actionsNamed('Sets the window and can apply updates early.').has('apply')).toBe(true);
  });

  it('folds -ing and -ed forms to the base forms that may be meant', () => {
    expect(lemmaCandidates('rotating')).toEqual(expect.arrayContaining(['rotate']));
    expect(lemmaCandidates('scheduled')).toEqual(expect.arrayContaining(['schedule']));
    expect(lemmaCandidates('running')).toEqual(expect.arrayContaining(['run']));
    expect(lemmaCandidates('applied')).toEqual(expect.arrayContaining(['apply']));
  });
});

describe('units: in a shared cell, the duty that performs the action asked about decides', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-verbs-'));
    cpSync(defaultKnowledgeDir(), dir, { recursive: true });
    // A shared cell whose duties name the same object on both sides: only the verb tells them apart.
    const file = join(dir, 'services', 'sqs.yaml');
    const doc = load(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA }) as { cells: Array<Record<string, unknown>> };
    doc.cells.push({
      area: 'incident-response',
      owner: 'shared',
      summary: 'AWS investigates incidents in the queue service; you investigate misuse of your queues.',
      aws: ['Staffs the queue incident desk around the clock.', 'Restores the queue fleet after a hardware fault.'],
      customer: ['Grants the incident desk read access to queue metrics during an incident.', 'Triages alarms on your own queues.'],
      citations: [{ source: 'sqs-data-protection' }],
      verified: '2026-12-03',
    });
    writeFileSync(file, dump(doc, { lineWidth: -1, schema: CORE_SCHEMA }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the side whose duty performs the verb, with the duty as the reason', () => {
    const router = createRouter(loadKnowledge(dir));
    const a = router.route({ text: 'sqs incident: who grants the incident desk access to the queue metrics?', platform: 'cli', userId: 'u', conversationId: 'c' });
    expect(a.cells[0]).toBe('sqs.incident-response');
    expect(a.verdict).toBe('customer');
  });

  it('keeps "shared" when the question asks for the area\'s own action, or either side', () => {
    const router = createRouter(loadKnowledge(dir));
    const either = router.route({ text: 'sqs incident desk access during an incident: does aws handle it or do we grant it?', platform: 'cli', userId: 'u', conversationId: 'c' });
    expect(either.verdict).toBe('shared');
  });
});
