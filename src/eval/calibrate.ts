import { createRouter } from '../engine/router';
import { fitLogistic, fitShift, predictConfidence, reliability, type CalibrationData, type Features, type Sample } from '../engine/calibration';
import type { FirstScore } from './firstScore';
import type { KnowledgeBase } from '../knowledge/types';
import type { EvalQuestion } from './evaluate';

/** Features and rightness of every tuning answer that has a verdict. */
export function samples(kb: KnowledgeBase, questions: EvalQuestion[]): Array<{ features: Features; correct: boolean }> {
  const router = createRouter({ ...kb, calibration: undefined });
  const out: Array<{ features: Features; correct: boolean }> = [];
  for (const q of questions) {
    const { answer, features } = router.routeExplained({ text: q.q, platform: 'cli', userId: 'calibrate', conversationId: 'calibrate', context: q.context });
    if (answer.verdict === null || !features) continue;
    // As on the blind sets, "depends" is right where the label is "shared".
    const correct = answer.verdict === q.verdict || (q.verdict === 'shared' && answer.verdict === 'depends');
    out.push({ features, correct });
  }
  return out;
}

/**
 * The model fitted on the tuning sets, shifted by the sets' first scores (when any are recorded)
 * so that its confidence holds for questions nobody has seen.
 */
export function fitCalibration(kb: KnowledgeBase, questions: EvalQuestion[], sets: string[], firstScores: FirstScore[] = []): CalibrationData {
  const model = fitLogistic(samples(kb, questions), sets);
  const unseen: Sample[] = firstScores.flatMap((f) => f.samples);
  if (unseen.length === 0) return model;
  return {
    ...model,
    novelty: {
      shift: fitShift(model, unseen),
      fittedOn: firstScores.map((f) => ({ set: f.set, commit: f.commit, questions: f.samples.length, accuracy: f.accuracy })),
    },
  };
}

/** k-fold: fitted without each fold, applied to it; the honest reliability figures. */
export function calibrationReport(kb: KnowledgeBase, questions: EvalQuestion[], k: number): Array<{ confidence: number; correct: boolean }> {
  const all = samples(kb, questions);
  const out: Array<{ confidence: number; correct: boolean }> = [];
  for (let fold = 0; fold < k; fold++) {
    const model = fitLogistic(all.filter((_, i) => i % k !== fold), ['fold']);
    for (const s of all.filter((_, i) => i % k === fold)) out.push({ confidence: predictConfidence(model, s.features), correct: s.correct });
  }
  return out;
}

export function formatReliability(title: string, rows: Array<{ confidence: number; correct: boolean }>): string {
  return [
    '',
    `${title}:`,
    '  confidence   answers   right',
    ...reliability(rows)
      .filter((r) => r.n > 0)
      .map((r) => `  ${r.band.padEnd(12)} ${String(r.n).padStart(7)}   ${((r.right / r.n) * 100).toFixed(1)}%`),
  ].join('\n');
}
