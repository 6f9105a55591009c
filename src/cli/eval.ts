import { createEngine } from '../engine';
import { checkKnowledge } from '../knowledge/check';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate, formatBlindReport, formatReport, loadEvalQuestions, loadTuningQuestions, defaultEvalDir } from '../eval/evaluate';
import { calibrationReport, fitCalibration, formatReliability } from '../eval/calibrate';
import { CALIBRATION_FILE } from '../knowledge/schema';
import { readFirstScore, writeFirstScore, type FirstScore } from '../eval/firstScore';
import { samples as answerSamples } from '../eval/calibrate';
import type { CliIo } from './io';
import { UsageError, commandSpec, runCommand } from './spec';

/**
 * `whosecures eval [--dir D] [--misses N] [--no-gate] [--blind]`: accuracy per intent and verdict, and the
 * confusion matrix. Exits 1 below 95% unless --no-gate (the held-out set reports, it does not gate).
 * `--blind` prints a blind set's figures only (never a question or a miss) and does not gate.
 * `--calibrate` fits the confidence calibration on the tuning sets (test/eval, test/heldout*;
 * never test/blind), writes knowledge/calibration.json and prints its 5-fold reliability table.
 */
export async function evalCommand(args: string[], io: CliIo): Promise<number> {
  return runCommand(commandSpec('eval'), args, io, ({ values }) => {
    const misses = Number(values.misses ?? '30');
    if (!Number.isInteger(misses) || misses < 0) throw new UsageError('--misses takes a whole number');
    const { kb, router } = createEngine();
    const questions = loadEvalQuestions(typeof values.dir === 'string' ? values.dir : undefined);
    if (values.calibrate) {
      const { sets, questions: tuning } = loadTuningQuestions();
      const firstScores = sets.map((s) => readFirstScore(resolve(defaultEvalDir(), '..', s.replace(/^test\//, '')))).filter((f): f is FirstScore => f !== undefined);
      const data = fitCalibration(kb, tuning, sets, firstScores);
      const path = join(kb.dir, CALIBRATION_FILE);
      writeFileSync(path, `${JSON.stringify(data, null, 1)}\n`);
      io.out(`calibration fitted on ${data.fittedOn.questions} questions from ${sets.length} sets: ${path}`);
      if (data.novelty) io.out(`novelty shift ${data.novelty.shift} from the first scores of ${data.novelty.fittedOn.map((f) => `${f.set} (${f.questions} answers at ${f.commit})`).join(', ')}`);
      io.out(formatReliability('5-fold cross-validated reliability on the tuning sets', calibrationReport(kb, tuning, 5)));
      return 0;
    }
    if (values['record-first-score']) {
      // Scored once, now, before anyone reads its misses: the record the novelty shift is fitted on.
      if (typeof values.dir !== 'string') throw new UsageError('--record-first-score needs --dir');
      const report = evaluate(router, questions, { sharedAcceptsDepends: true });
      const path = writeFirstScore(values.dir, {
        set: values.dir.replace(/\/+$/, ''),
        commit: typeof values.commit === 'string' ? values.commit : 'unknown',
        date: new Date().toISOString().slice(0, 10),
        accuracy: Math.round(report.verdictAccuracy * 1000) / 10,
        samples: answerSamples(kb, questions),
      });
      io.out(formatBlindReport(report));
      io.out(`first score recorded: ${path}`);
      return 0;
    }
    if (values.blind) {
      const report = evaluate(router, questions, { sharedAcceptsDepends: true });
      io.out(formatBlindReport(report));
      io.out(formatReliability('reliability (figures only)', report.results.map((r) => ({ confidence: r.answer.confidence, correct: r.verdictOk }))));
      return 0;
    }
    const report = evaluate(router, questions);
    io.out(formatReport(report, misses));
    const unresolved = checkKnowledge(kb).filter((p) => p.message.includes('unknown source'));
    io.out(`citations that do not resolve: ${unresolved.length}`);
    if (values['no-gate']) return unresolved.length === 0 ? 0 : 1;
    return report.verdictAccuracy >= 0.95 && unresolved.length === 0 ? 0 : 1;
  });
}
