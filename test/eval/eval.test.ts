import { createEngine } from '../../src/engine';
import { evaluate, formatReport, loadEvalQuestions } from '../../src/eval/evaluate';
import { checkKnowledge } from '../../src/knowledge/check';

/**
 * The evaluation set: questions written the way engineers type them, with the verdict and cell
 * the knowledge base should give. `npm run eval` prints the full report.
 */
describe('evaluation set', () => {
  const { kb, router } = createEngine();
  const questions = loadEvalQuestions();
  const report = evaluate(router, questions);

  it('has at least 250 questions, 40 of them out of scope or adversarial', () => {
    expect(questions.length).toBeGreaterThanOrEqual(250);
    expect(questions.filter((q) => q.verdict === 'out_of_scope').length).toBeGreaterThanOrEqual(40);
  });

  it('names only cells that exist', () => {
    const missing = questions.filter((q) => q.cell && !kb.cells.has(q.cell)).map((q) => `${q.file}: ${q.cell}`);
    expect(missing).toEqual([]);
  });

  it('keeps verdict accuracy at 95% or more', () => {
    if (report.verdictAccuracy < 0.95) console.log(formatReport(report, 50));
    expect(report.verdictAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('cites only sources that resolve, in every answer', () => {
    expect(checkKnowledge(kb).filter((p) => /unknown source/.test(p.message))).toEqual([]);
    for (const r of report.results) {
      for (const c of r.answer.citations) expect(kb.sources.get(c.id)?.url).toBe(c.url);
    }
  });

  it('never gives a cell verdict to an out-of-scope question', () => {
    const leaks = report.results.filter((r) => r.question.verdict === 'out_of_scope' && r.answer.verdict !== 'out_of_scope');
    expect(leaks.map((r) => r.question.q)).toEqual([]);
  });
});
