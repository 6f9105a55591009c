/**
 * The command menu (manifest `commandLists`): a picked command arrives as ordinary text, such as
 * "compare s3 vs efs encryption". Each command turns its text into the question the assistant
 * answers; the table is the place to add commands (the onboarding course adds its own).
 */
export interface TeamsCommand {
  name: string;
  /** The question for the assistant, from what the user typed after the command word. */
  toQuestion(rest: string): string;
}

export const DEFAULT_COMMANDS: TeamsCommand[] = [
  { name: 'ask', toQuestion: (rest) => rest || 'help' },
  // The router reads "compare" as a comparison cue, so the word stays in the question.
  { name: 'compare', toQuestion: (rest) => (rest ? `compare ${rest}` : 'help') },
  { name: 'help', toQuestion: () => 'help' },
];

/** The command a message starts with (if any) and the question it stands for. */
export function resolveCommand(text: string, commands: TeamsCommand[] = DEFAULT_COMMANDS): { command?: string; question: string } {
  const match = /^\/?([a-z][a-z-]{1,30})\b[:\s]*([\s\S]*)$/i.exec(text.trim());
  const command = match && commands.find((c) => c.name === match[1].toLowerCase());
  if (!match || !command) return { question: text.trim() };
  return { command: command.name, question: command.toQuestion(match[2].trim()) };
}
