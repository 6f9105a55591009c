import { kbCommand } from '../../src/cli/kb';
import { kbPhrases } from '../../src/curator/commands';
import { curatedPhrases, formatPhraseReportText, phraseReport, routerParts, routerWithout, withoutPhrase, type PhraseRef } from '../../src/curator';
import { createRouter } from '../../src/engine/router';
import type { EvalQuestion } from '../../src/eval/evaluate';
import type { KnowledgeBase } from '../../src/knowledge/types';
import { modifiedKb } from './helpers/fixtureKb';
import { capture } from '../helpers/cliIo';

/**
 * A small knowledge base: the shipped services, areas and lexicon, but only the general rules
 * and RDS's cells; RDS Custom's OS patching condition gains a phrase the shorter "rds custom"
 * always covers, and the OS patching cell a keyword no question uses.
 */
function fixtureKb(): KnowledgeBase {
  return modifiedKb(({ cells }) => {
    for (const id of [...cells.keys()]) if (!id.startsWith('general.') && !id.startsWith('rds.')) cells.delete(id);
    const os = cells.get('rds.os-patching')!;
    const custom = os.conditions.findIndex((c) => c.phrases.includes('rds custom'));
    cells.set('rds.os-patching', {
      ...os,
      keywords: [...os.keywords, 'zorblax frobnicator'],
      conditions: os.conditions.map((c, i) => (i === custom ? { ...c, phrases: [...c.phrases, 'rds custom instance'] } : c)),
    });
  });
}

const question = (q: string, verdict: EvalQuestion['verdict'], cell?: string): EvalQuestion => ({ q, verdict, cell, file: 'fixture.yaml' });

const QUESTIONS = [
  question('who patches the OS on an RDS Custom instance?', 'shared', 'rds.os-patching'),
  question('who patches the OS on RDS Custom?', 'shared', 'rds.os-patching'),
  question('who patches the OS on RDS?', 'aws', 'rds.os-patching'),
];

const find = (list: PhraseRef[], owner: string, phrase: string, kind: PhraseRef['kind'] = 'condition') => list.find((r) => r.owner === owner && r.phrase === phrase && r.kind === kind);

describe('kb phrases', () => {
  const kb = fixtureKb();
  const report = phraseReport(kb, QUESTIONS);

  it('lists a phrase a shorter one always covers, and not the phrase that decides', () => {
    const router = createRouter(kb);
    const verdict = (q: string) => router.route({ text: q, platform: 'cli', userId: 't', conversationId: 't' }).verdict;
    // The situation decides: RDS Custom is shared, plain RDS is AWS's.
    expect(verdict(QUESTIONS[1].q)).toBe('shared');
    expect(verdict(QUESTIONS[2].q)).toBe('aws');

    const redundant = find(report.noChange, 'rds.os-patching', 'rds custom instance');
    expect(redundant).toMatchObject({ kind: 'condition', file: 'services/rds.yaml', questions: 1 });
    expect(redundant?.condition?.when).toBe(kb.cell('rds', 'os-patching')!.conditions[redundant!.condition!.index].when);
    // "rds custom" is in both RDS Custom questions; without it the second one is AWS's again.
    expect(find(report.noChange, 'rds.os-patching', 'rds custom')).toBeUndefined();
    expect(find(report.unmatched, 'rds.os-patching', 'rds custom')).toBeUndefined();
    expect(report.deciding).toBeGreaterThanOrEqual(1);
  });

  it('lists phrases no tuning question contains apart, and counts every phrase once', () => {
    expect(find(report.unmatched, 'rds.os-patching', 'zorblax frobnicator', 'cell-keyword')).toMatchObject({ questions: 0, file: 'services/rds.yaml' });
    const all = curatedPhrases(kb);
    const total = report.checked.condition + report.checked['cell-keyword'] + report.checked['area-keyword'];
    expect(total).toBe(all.length);
    expect(report.deciding + report.noChange.length + report.unmatched.length).toBe(total);
    expect(report.routers).toBe(report.deciding + report.noChange.length);
  });

  it('answers like a router built from scratch over the knowledge base without the phrase', () => {
    const base = routerParts({ ...kb, calibration: undefined });
    const all = curatedPhrases(kb);
    const samples = [
      find(all, 'rds.os-patching', 'rds custom')!,
      find(all, 'rds.os-patching', 'rds custom instance')!,
      all.find((r) => r.kind === 'cell-keyword' && r.owner === 'rds.os-patching')!,
      all.find((r) => r.kind === 'area-keyword' && r.owner === 'os-patching')!,
    ];
    for (const ref of samples) {
      const reduced = withoutPhrase(kb, ref);
      const fresh = createRouter({ ...reduced, calibration: undefined });
      const shared = routerWithout({ ...kb, calibration: undefined }, ref, base, false);
      for (const q of QUESTIONS) {
        const query = { text: q.q, platform: 'cli' as const, userId: 't', conversationId: 't' };
        const [a, b] = [fresh.route(query), shared.route(query)];
        expect([b.verdict, b.cells[0]]).toEqual([a.verdict, a.cells[0]]);
      }
    }
  });

  it('leaves the knowledge base it reads as it was', () => {
    const before = JSON.stringify(curatedPhrases(kb));
    phraseReport(kb, QUESTIONS.slice(0, 1));
    expect(JSON.stringify(curatedPhrases(kb))).toBe(before);
    expect(kb.cell('rds', 'os-patching')!.keywords).toContain('zorblax frobnicator');
  });

  it('groups the text by file, cell and list, and limits each list', () => {
    const text = formatPhraseReportText(report, { limit: 2, sets: ['test/fixture'] });
    expect(text).toMatch(/^phrases checked: \d+ \(\d+ condition phrases, \d+ cell keywords, \d+ area keywords\)$/m);
    expect(text).toMatch(/^tuning questions: 3 \(test\/fixture\)$/m);
    expect(text).toMatch(new RegExp(`^phrases matched by no tuning question \\(showing 2 of ${report.unmatched.length}\\):$`, 'm'));
    const full = formatPhraseReportText(report);
    expect(full).toMatch(/^services\/rds\.yaml\n {2}rds\.os-patching\n {4}condition \d+ \([^)]*\): phrases: .*"rds custom instance" \(1 question\)/m);
  });

  it('runs from the CLI as a report (exit 0), in JSON with a limit', async () => {
    const io = capture();
    expect(kbPhrases(['--format', 'json', '--limit', '3'], io, () => kb, () => ({ sets: ['test/fixture'], questions: QUESTIONS }))).toBe(0);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json.sets).toEqual(['test/fixture']);
    expect(json.unmatched.count).toBe(report.unmatched.length);
    expect(json.unmatched.phrases).toHaveLength(3);
    expect(json.noChange.phrases.length).toBeLessThanOrEqual(3);

    const bad = capture();
    expect(await kbCommand(['phrases', '--format', 'csv'], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/--format takes one of: text, json/);
    const help = capture();
    expect(await kbCommand(['phrases', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/usage: whosecures kb phrases \[--format text\|json\] \[--limit N\] \[--dir DIR\]/);
  });
});
