import type { CalibrationData } from '../knowledge/types';
import type { RouteContext } from './intents/context';
import type { Answer } from './types';

/**
 * Confidence that means something: a small logistic model over how an answer was reached (its
 * intent and raw score, how strongly the service and area were named, whether a situation or a
 * duty decided it, the question's form and length) gives the probability that the verdict is
 * right. Fitted on the tuning sets by `whosecures eval --calibrate` into
 * `knowledge/calibration.json`; judged by k-fold cross-validation and, as figures only, on the
 * blind sets.
 */

export type Features = Record<string, number>;

export type { CalibrationData };

/** One answer as it was reached and whether it was right. */
export interface Sample {
  features: Features;
  correct: boolean;
}

export function confidenceFeatures(ctx: RouteContext, answer: Answer): Features {
  const f: Features = {};
  f[`intent:${answer.intent}`] = 1;
  f[`raw:${answer.confidence.toFixed(2)}`] = 1;
  f[`verdict:${answer.verdict ?? 'none'}`] = 1;
  const areas = ctx.detection.areas;
  f.areaScore = Math.min(4, areas[0]?.score ?? 0) / 4;
  f.areaMargin = Math.min(3, (areas[0]?.score ?? 0) - (areas[1]?.score ?? 0)) / 3;
  f.areasNamed = Math.min(4, areas.length) / 4;
  f.servicesNamed = Math.min(3, ctx.detection.services.length) / 3;
  f.fuzzyService = ctx.detection.serviceHits.some((h) => h.fuzzy) ? 1 : 0;
  f.fromContext = ctx.services.length > 0 && ctx.detection.services.length === 0 ? 1 : 0;
  f.length = Math.min(60, ctx.detection.tokens.length) / 60;
  f.generalRule = answer.cells[0]?.startsWith('general.') && ctx.services.length > 0 ? 1 : 0;
  f.split = ctx.form.split ? 1 : 0;
  f.confirmation = ctx.form.confirmation ? 1 : 0;
  f.asked = ctx.asked ? 1 : 0;
  f.twoQuestions = ctx.twoQuestions ? 1 : 0;
  return f;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predictConfidence(model: CalibrationData, features: Features): number {
  let z = model.bias + (model.novelty?.shift ?? 0);
  for (const [name, value] of Object.entries(features)) z += (model.weights[name] ?? 0) * value;
  return Math.round(sigmoid(z) * 1000) / 1000;
}

/** L2-regularised logistic regression by batch gradient descent: small data, a few hundred steps. */
export function fitLogistic(samples: Array<{ features: Features; correct: boolean }>, sets: string[], options = { steps: 400, rate: 0.5, l2: 1e-3 }): CalibrationData {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.features)))].sort();
  const weights: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let bias = 0;
  const n = Math.max(1, samples.length);
  for (let step = 0; step < options.steps; step++) {
    const grad: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
    let gradBias = 0;
    for (const s of samples) {
      let z = bias;
      for (const [name, value] of Object.entries(s.features)) z += weights[name] * value;
      const error = sigmoid(z) - (s.correct ? 1 : 0);
      gradBias += error;
      for (const [name, value] of Object.entries(s.features)) grad[name] += error * value;
    }
    bias -= (options.rate * gradBias) / n;
    for (const name of names) weights[name] -= options.rate * (grad[name] / n + options.l2 * weights[name]);
  }
  const rounded = Object.fromEntries(Object.entries(weights).filter(([, w]) => Math.abs(w) > 1e-4).map(([k, w]) => [k, Math.round(w * 1e4) / 1e4]));
  return { fittedOn: { questions: samples.length, sets }, bias: Math.round(bias * 1e4) / 1e4, weights: rounded };
}

/**
 * The shift of the log-odds that makes the model's predictions fit answers to unseen questions
 * best (maximum likelihood, one parameter). The likelihood is concave in the shift, so its
 * derivative falls as the shift grows: bisection finds its zero without Newton's overshoot.
 */
export function fitShift(model: CalibrationData, samples: Sample[]): number {
  if (samples.length === 0) return 0;
  const base = samples.map((s) => predictLogit(model, s.features));
  const slope = (shift: number) => samples.reduce((sum, s, i) => sum + (s.correct ? 1 : 0) - sigmoid(base[i] + shift), 0);
  let lo = -20;
  let hi = 20;
  for (let step = 0; step < 60; step++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return Math.round(((lo + hi) / 2) * 1e4) / 1e4;
}

function predictLogit(model: CalibrationData, features: Features): number {
  let z = model.bias;
  for (const [name, value] of Object.entries(features)) z += (model.weights[name] ?? 0) * value;
  return z;
}

/** Rows of a reliability table: how often answers in each confidence band were right. */
export function reliability(samples: Array<{ confidence: number; correct: boolean }>): Array<{ band: string; n: number; right: number }> {
  const bands: Array<[number, number, string]> = [
    [0, 0.5, '< 0.50'],
    [0.5, 0.7, '0.50-0.69'],
    [0.7, 0.8, '0.70-0.79'],
    [0.8, 0.9, '0.80-0.89'],
    [0.9, 0.95, '0.90-0.94'],
    [0.95, 1.01, '>= 0.95'],
  ];
  return bands.map(([lo, hi, band]) => {
    const inBand = samples.filter((s) => s.confidence >= lo && s.confidence < hi);
    return { band, n: inBand.length, right: inBand.filter((s) => s.correct).length };
  });
}
