import type { TeamsChannel } from '../../../../src/channels/teams';
import { startTestApp, type TestApp } from '../../../helpers/app';
import { FakeBotFrameworkIdentity, plantOutboundToken, type TokenClaims } from './botFrameworkIdentity';
import { FakeConnector } from './fakeConnector';

/**
 * The Teams end-to-end set-up every authenticated test shares: the real app with the real
 * CloudAdapter, a fake Bot Framework token issuer (OpenID metadata and keys) and a fake Bot
 * Connector, with the outbound token planted so replies reach the connector.
 */
export interface TeamsTestBed {
  appId: string;
  outboundToken: string;
  identity: FakeBotFrameworkIdentity;
  connector: FakeConnector;
  app: TestApp;
  teams: TeamsChannel;
  /** `Bearer <token>` as the Bot Framework would sign it for this bot and the fake connector. */
  bearer(claims?: Partial<TokenClaims>): string;
  /** POST /api/messages with the given Authorization header, or none. */
  post(activity: object, authorization?: string): Promise<Response>;
  /** POST /api/messages signed as the Bot Framework would. */
  postSigned(activity: object): Promise<Response>;
  /** POST an invoke signed, with the status and the parsed invoke response ({} when empty). */
  invoke<T = Record<string, unknown>>(activity: object): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTeamsTestBed(options: { appId: string; password?: string; env?: Record<string, string> | ((connectorUrl: string) => Record<string, string>) }): Promise<TeamsTestBed> {
  const outboundToken = `outbound-token-${options.appId.slice(0, 8)}`;
  const identity = await new FakeBotFrameworkIdentity().start();
  const connector = await new FakeConnector().start();
  plantOutboundToken(options.appId, outboundToken);
  const app = await startTestApp({
    MicrosoftAppId: options.appId,
    MicrosoftAppPassword: options.password ?? 'sentinel-app-password-0f9e',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
    BotOpenIdMetadata: identity.metadataUrl,
    TEAMS_SERVICE_URL_ALLOWLIST: '127.0.0.1',
    ...(typeof options.env === 'function' ? options.env(connector.url) : options.env),
  });
  const teams = app.app.channels.find((c) => c.name === 'teams') as TeamsChannel;
  const bearer = (claims: Partial<TokenClaims> = {}) => `Bearer ${identity.token({ appId: options.appId, serviceUrl: connector.url, ...claims })}`;
  const post = (activity: object, authorization?: string) =>
    fetch(`${app.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(activity),
    });
  return {
    appId: options.appId,
    outboundToken,
    identity,
    connector,
    app,
    teams,
    bearer,
    post,
    postSigned: (activity) => post(activity, bearer()),
    async invoke<T>(activity: object) {
      const res = await post(activity, bearer());
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    },
    close: async () => {
      await app.close();
      await connector.stop();
      await identity.stop();
    },
  };
}
