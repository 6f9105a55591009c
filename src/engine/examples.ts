/**
 * The example questions every surface offers (help, out-of-scope and not-found replies, concept
 * answers, Slack's assistant panel), each written once. They are questions a person would type
 * (docs/answer-style.md) and route as such.
 */
export const EXAMPLE_QUESTIONS = {
  guestOs: 'Who patches the guest OS on EC2?',
  ebs: 'Is encrypting EBS on me?',
  compare: 'Who patches the OS on EC2 vs RDS vs Lambda?',
  rds: 'What am I responsible for with RDS?',
  s3: 'Is S3 encryption on me?',
  model: 'What is the shared responsibility model?',
} as const;

/** The suggestions an answer that could not help offers: out of scope, nothing found. */
export const FALLBACK_SUGGESTIONS: readonly string[] = [EXAMPLE_QUESTIONS.guestOs, EXAMPLE_QUESTIONS.ebs, EXAMPLE_QUESTIONS.rds];
