import { loadConfig } from '../../src/config';
import { configProblems as problemsOf } from '../helpers/config';

describe('curator settings', () => {
  it('SLACK_CURATORS lists user and user group ids and replaces ONBOARDING_ADMINS as the curators; unset, the admins are', () => {
    expect(loadConfig({ ONBOARDING_ADMINS: 'U0ADMIN', SLACK_CURATORS: 'U0CUR, S0GROUP,W0GRID' }).slackCurators).toEqual(['U0CUR', 'S0GROUP', 'W0GRID']);
    expect(loadConfig({ ONBOARDING_ADMINS: 'U0ADMIN' }).slackCurators).toEqual(['U0ADMIN']);
    expect(loadConfig({}).slackCurators).toEqual([]);
    expect(problemsOf({ SLACK_CURATORS: 'U0CUR,@security-team' })).toEqual([expect.stringMatching(/^SLACK_CURATORS: SLACK_CURATORS must list Slack user ids/)]);
  });

  it('TEAMS_CURATORS lists Entra object ids', () => {
    expect(loadConfig({ TEAMS_CURATORS: '00000000-0000-0000-0000-0000000000c1' }).TEAMS_CURATORS).toEqual(['00000000-0000-0000-0000-0000000000c1']);
    expect(loadConfig({}).TEAMS_CURATORS).toEqual([]);
    expect(problemsOf({ TEAMS_CURATORS: 'grace@example.com' })).toEqual([expect.stringMatching(/^TEAMS_CURATORS: TEAMS_CURATORS must list Entra/)]);
  });
});
