import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
// The SDK's own token cache: planting a token there stands in for Azure AD's token endpoint.
import { AppCredentials } from 'botframework-connector';

/** The issuer of tokens from the Bot Framework channel service (public cloud). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface TokenClaims {
  appId: string;
  serviceUrl: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresInSeconds?: number;
  /** Sign with a different key under the same key id (a forged token). */
  forged?: boolean;
}

/**
 * A local stand-in for login.botframework.com: a throwaway RSA key, an OpenID metadata document
 * and a JWKS on 127.0.0.1, and tokens signed the way the Bot Framework channel signs them.
 */
export class FakeBotFrameworkIdentity {
  readonly kid = `test-${randomUUID()}`;
  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: Server;
  metadataUrl = '';
  requests = 0;

  async start(): Promise<this> {
    const jwk = this.key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    this.server = createServer((req, res) => {
      this.requests++;
      const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }),
        );
      } else if (req.url === '/v1/.well-known/keys') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e, endorsements: ['msteams', 'emulator'] }] }),
        );
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.metadataUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
    return this;
  }

  token(claims: TokenClaims): string {
    const signingKey: KeyObject = claims.forged ? this.otherKey.privateKey : this.key.privateKey;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (claims.expiresInSeconds ?? 3600);
    return jwt.sign(
      { serviceurl: claims.serviceUrl, nbf: Math.min(now, exp) - 60, exp, aud: claims.appId, iss: claims.issuer ?? CHANNEL_ISSUER },
      signingKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      { algorithm: 'RS256', keyid: this.kid },
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * Puts an outbound access token for the bot into botbuilder's token cache, as if Azure AD had
 * issued it, so replies to the fake connector carry `Authorization: Bearer <token>` without
 * a call to login.microsoftonline.com.
 */
export function plantOutboundToken(appId: string, token: string, scope = CHANNEL_ISSUER): void {
  // `cache` is private in the typings; it is the SDK's process-wide token cache.
  const cache = (AppCredentials as unknown as { cache: Map<string, { accessToken: string; expiresOn: Date }> }).cache;
  cache.set(`${appId}${scope}-cache`, { accessToken: token, expiresOn: new Date(Date.now() + 3600_000) });
}
