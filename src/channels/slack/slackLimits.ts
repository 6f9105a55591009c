/**
 * Slack's published Block Kit and message limits. Payloads over these are rejected by Slack
 * (invalid_blocks) or silently truncated, so every renderer checks against them.
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  actionsElements: 25,
  contextElements: 10,
  /** Slack truncates `text` at 40,000 characters; a notification fallback needs far less. */
  fallbackText: 3000,
} as const;

/** The longest question we route; Slack messages can be 40k characters, the router needs a sentence. */
export const MAX_QUESTION_CHARS = 2000;
