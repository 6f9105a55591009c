/** Interactivity payload types Bolt dispatches; anything else cannot reach a listener. */
const INTERACTIVE_TYPES = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'dialog_suggestion',
]);

/** Whether a verified, parsed body is something Bolt can route (an event, a command, an action). */
export function isDispatchablePayload(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  if (b.type === 'event_callback') return typeof b.event === 'object' && b.event !== null && typeof (b.event as { type?: unknown }).type === 'string';
  if (typeof b.command === 'string') return true;
  return typeof b.type === 'string' && INTERACTIVE_TYPES.has(b.type);
}
