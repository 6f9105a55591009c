import type { Channel, ChannelDeps } from './channel';
import { createSlackChannel } from './slack';
import { createTeamsChannel } from './teams';

/** Each factory returns its channel, or undefined when the channel is not configured. */
export type ChannelFactory = (deps: ChannelDeps) => Promise<Channel | undefined>;

export const channelFactories: ChannelFactory[] = [createSlackChannel, (deps) => createTeamsChannel(deps)];
