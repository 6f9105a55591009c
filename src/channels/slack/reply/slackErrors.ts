/** Slack SDK errors carry request data; log only the code and message. */
export function errorSummary(err: unknown): { message: string; code?: string; slackError?: string } {
  const e = err as { message?: string; code?: string; data?: { error?: string } };
  return { message: String(e?.message ?? err).slice(0, 300), code: e?.code, slackError: e?.data?.error };
}

/** Slack's answer when the bot cannot post where it was asked (private channel, group DM). */
export function isNotInChannel(err: unknown): boolean {
  const code = (err as { data?: { error?: string } })?.data?.error;
  return code === 'not_in_channel' || code === 'channel_not_found' || code === 'user_not_in_channel';
}
