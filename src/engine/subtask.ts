/**
 * In a shared cell, AWS operates and you configure. A question that asks who does one of those
 * actions ("who writes the WAF rules?", "who sets up SSE-KMS?", "who builds and releases the
 * patched platform?") asks about one side, and gets that side's owner.
 */
const CUSTOMER_ACTIONS =
  /\bwho (sets|set) (the |up |our |a )|\b(set(s|ting)? (it |that |this |them )?up|setup|configur(e|es|ed|ing)|writ(e|es|ing)|turn(s|ing)? (it |that |this )?on|enabl(e|es|ing)|choos(e|es|ing)|pick(s|ing)?|decid(e|es|ing)|attach(es|ing)?|defin(e|es|ing)|opt(s)? in|subscrib(e|es|ing)|request(s|ing)?|creat(e|es|ing)|our call|my call|whose call|sign(s)? up for|author(s|ing)?)\b/;

const AWS_ACTIONS =
  /\b(build(s|ing)? and releas(e|es|ing)|releas(e|es|ing) (the )?(patch|patched|update|fix)|publish(es|ing)?|sync(s|ing)?|synchroni[sz](e|es|ing)|keep(s|ing)? .{0,20} in sync|replicat(e|es|ing)|provision(s|ing)?|operat(e|es|ing) the|run(s|ning)? the (underlying|hardware|infrastructure|fleet|servers))\b/;

/** "Does AWS do it or do I turn it on?" asks for the whole split, not one side. */
const OR_CLAUSE = /\bor (do|does|is|are|should|must|will|would|can|did|have)\b/;
const EITHER_OR = new RegExp(`${OR_CLAUSE.source}|\\bor (me|us|aws|amazon|them|we|i)\\b|\\b(aws|amazon) or\\b`);

/** "Do I need to turn anything on?" asks whether it is on by default, not who configures it. */
const DEFAULT_QUESTION = /\b(do|does|should|must) (i|we|you) (need|have|got) to (enable|turn|switch|set|configure|activate|do)\b|\b(something|anything) (i|we|you) (need|have) to (enable|turn on|set up|activate|configure)\b|\benable (it )?first\b|\banything (i|we|you) (need|have) to\b|\bout of the box\b|\bby default\b|\bon by default\b|\bautomatically\b/;

/** "Is it on by default or do I enable it?": asks whether one side does it at all, i.e. for the split. */
export function asksEitherOr(normalized: string): boolean {
  return EITHER_OR.test(normalized) || DEFAULT_QUESTION.test(normalized);
}

/**
 * "Is it on by default?", "does AWS handle it or do we grant it?": asks whether one side does it
 * at all, or which of two actions happens. A bare "AWS or us?" after a question about one action
 * ("who creates the KSK, Route 53 or us?") still asks who performs that action.
 */
export function asksWhetherOrWhich(normalized: string): boolean {
  return DEFAULT_QUESTION.test(normalized) || OR_CLAUSE.test(normalized);
}

export function askedSide(normalized: string): 'aws' | 'customer' | undefined {
  if (asksEitherOr(normalized)) return undefined;
  const aws = AWS_ACTIONS.test(normalized);
  const customer = CUSTOMER_ACTIONS.test(normalized);
  if (aws && !customer) return 'aws';
  if (customer && !aws) return 'customer';
  return undefined;
}
