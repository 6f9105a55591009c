import type { Channel, ChannelDeps } from './channel';
import { createSlackChannel } from './slack';
import type { SlackSettings } from './slack/settings';
import { createTeamsChannel } from './teams';
import type { TeamsSettings } from './teams/settings';

/** Each channel's own settings, built once by the composition root (src/app.ts). */
export interface ChannelSettings {
  slack: SlackSettings;
  teams: TeamsSettings;
}

/** What every channel shares: the services of the composition root, without settings. */
export type SharedChannelDeps = Omit<ChannelDeps<unknown>, 'settings'>;

/** Each factory returns its channel, given only its own settings, or undefined when the channel is not configured. */
export type ChannelFactory = (deps: SharedChannelDeps, settings: ChannelSettings) => Promise<Channel | undefined>;

export const channelFactories: ChannelFactory[] = [
  (deps, settings) => createSlackChannel({ ...deps, settings: settings.slack }),
  (deps, settings) => createTeamsChannel({ ...deps, settings: settings.teams }),
];
