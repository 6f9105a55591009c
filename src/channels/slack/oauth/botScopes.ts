/**
 * The bot scopes the install link asks for: the same list as `oauth_config.scopes.bot` in
 * manifest.json (a test keeps the two equal). It lives in code because the deployed image
 * carries dist/, not the manifest.
 */
export const BOT_SCOPES = [
  'app_mentions:read',
  'assistant:write',
  'channels:read',
  'chat:write',
  'commands',
  'groups:read',
  'im:history',
  'im:write',
  'usergroups:read',
  'users:read',
] as const;
