import { createEngine } from '../engine';
import { checkKnowledge } from '../knowledge/check';
import { evaluate, formatReport, loadEvalQuestions } from '../eval/evaluate';
import type { CliIo } from './io';
import { UsageError, commandSpec, runCommand } from './spec';

/**
 * `whosecures eval [--dir D] [--misses N] [--no-gate]`: accuracy per intent and verdict, and the
 * confusion matrix. Exits 1 below 95% unless --no-gate (the held-out set reports, it does not gate).
 */
export async function evalCommand(args: string[], io: CliIo): Promise<number> {
  return runCommand(commandSpec('eval'), args, io, ({ values }) => {
    const misses = Number(values.misses ?? '30');
    if (!Number.isInteger(misses) || misses < 0) throw new UsageError('--misses takes a whole number');
    const { kb, router } = createEngine();
    const questions = loadEvalQuestions(typeof values.dir === 'string' ? values.dir : undefined);
    const report = evaluate(router, questions);
    io.out(formatReport(report, misses));
    const unresolved = checkKnowledge(kb).filter((p) => p.message.includes('unknown source'));
    io.out(`citations that do not resolve: ${unresolved.length}`);
    if (values['no-gate']) return unresolved.length === 0 ? 0 : 1;
    return report.verdictAccuracy >= 0.95 && unresolved.length === 0 ? 0 : 1;
  });
}
