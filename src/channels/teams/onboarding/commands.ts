/**
 * The course's own words in a Teams chat. `onboard` and `progress` are in the command menu
 * (appPackage/manifest.json); a bare "stop" in the personal chat ends the course, as on Slack.
 */
export type OnboardingCommand = 'start' | 'next' | 'restart' | 'stop' | 'progress';

/** Command menu entries the course adds, in manifest order. */
export const ONBOARDING_MENU_COMMANDS = [
  { title: 'onboard', description: 'Start the onboarding course, or: onboard next, onboard restart, onboard stop' },
  { title: 'progress', description: 'Your onboarding lesson and quiz score' },
] as const;

const ONBOARD_SUBCOMMANDS: Record<string, OnboardingCommand> = { '': 'start', start: 'start', next: 'next', restart: 'restart', stop: 'stop' };

/** The onboarding command a message is, or undefined for an ordinary question. */
export function parseOnboardingCommand(text: string): OnboardingCommand | undefined {
  const words = text.trim().toLowerCase().replace(/[.!]+$/, '').split(/\s+/);
  const [first = '', second = '', ...rest] = words.map((w) => w.replace(/^\//, ''));
  if (rest.length) return undefined;
  if (first === 'onboard' || first === 'onboarding') return ONBOARD_SUBCOMMANDS[second];
  if (second) return first === 'next' && second === 'lesson' ? 'next' : undefined;
  if (first === 'progress') return 'progress';
  if (first === 'stop') return 'stop';
  return undefined;
}
