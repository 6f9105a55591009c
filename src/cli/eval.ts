import { parseArgs } from 'node:util';
import { createEngine } from '../engine';
import { checkKnowledge } from '../knowledge/check';
import { evaluate, formatBlindReport, formatReport, loadEvalQuestions } from '../eval/evaluate';
import type { CliIo } from './io';

/**
 * `whosecures eval [--dir D] [--misses N] [--no-gate] [--blind]`: accuracy per intent and verdict, and the
 * confusion matrix. Exits 1 below 95% unless --no-gate (the held-out set reports, it does not gate).
 * `--blind` prints a blind set's figures only (never a question or a miss) and does not gate.
 */
export async function evalCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, misses: { type: 'string', default: '30' }, 'no-gate': { type: 'boolean', default: false }, blind: { type: 'boolean', default: false } } });
  const { kb, router } = createEngine();
  const questions = loadEvalQuestions(values.dir);
  if (values.blind) {
    io.out(formatBlindReport(evaluate(router, questions, { sharedAcceptsDepends: true })));
    return 0;
  }
  const report = evaluate(router, questions);
  io.out(formatReport(report, Number(values.misses)));
  const unresolved = checkKnowledge(kb).filter((p) => p.message.includes('unknown source'));
  io.out(`citations that do not resolve: ${unresolved.length}`);
  if (values['no-gate']) return unresolved.length === 0 ? 0 : 1;
  return report.verdictAccuracy >= 0.95 && unresolved.length === 0 ? 0 : 1;
}
