import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuthorizationError,
  HTTPModuleFunctions,
  HTTPResponseAck,
  isRawBodyError,
  type App,
  type Logger as BoltLogger,
  type Receiver,
  type ReceiverEvent,
} from '@slack/bolt';
import type { InstallProvider } from '@slack/oauth';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';
import { isInstallationUnavailable } from './oauth/installationCache';
import { isTimestampTooFarAhead } from './requestTimestamp';
import { isDispatchablePayload } from './slackPayload';

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  boltLogger: BoltLogger;
  metrics: Metrics;
  now?: () => number;
  /** Slack payloads are a few kB; 1 MB is far above any legitimate one. */
  bodyLimit?: number;
  /** The distributed app's OAuth installer; Bolt takes its `authorize` from here. */
  installer?: InstallProvider;
}

/**
 * A Bolt receiver mounted on our own HTTP server at POST /slack/events. It runs Bolt's own
 * signature verification (HTTPModuleFunctions.parseAndVerifyHTTPRequest, constant-time HMAC and
 * the five-minute staleness check) and its HTTPResponseAck, and adds what HTTPReceiver lacks:
 * the future-timestamp check, an immediate 400 for signed bodies no listener can handle (Bolt
 * would hold them for 3 s and answer 404), and logging of Slack's retry headers.
 */
export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private readonly now: () => number;
  /** Read by Bolt's App: a receiver with an installer makes every event authorized per workspace. */
  readonly installer?: InstallProvider;
  readonly requestListener: (req: IncomingMessage, res: ServerResponse) => void;

  constructor(private readonly options: SlackHttpReceiverOptions) {
    this.now = options.now ?? Date.now;
    this.installer = options.installer;
    this.requestListener = (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        options.logger.error({ err, event: 'slack_request_failed' }, 'Slack request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    };
  }

  init(app: App): void {
    this.app = app;
  }

  // Our HTTP server is started and stopped by the app; the receiver has nothing of its own.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger, metrics } = this.options;
    if (isTimestampTooFarAhead(req.headers['x-slack-request-timestamp'], this.now())) {
      logger.warn({ event: 'slack_request_rejected', reason: 'timestamp_in_future' }, 'Slack request rejected');
      return noBody(res, 401);
    }
    let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.parseAndVerifyHTTPRequest>>;
    try {
      buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
        { enabled: true, signingSecret: this.options.signingSecret, bodyLimit: this.options.bodyLimit ?? 1_000_000 },
        req,
      );
    } catch (err) {
      if (isRawBodyError(err) && (err.type === 'entity.too.large' || err.statusCode === 413)) {
        // The rest of the body was not read, so this connection cannot carry another request.
        res.setHeader('connection', 'close');
        return noBody(res, 413);
      }
      // The reason (stale, mismatch, missing header) is logged; the response stays a bare 401.
      logger.warn({ event: 'slack_request_rejected', reason: (err as Error).message }, 'Slack request rejected');
      return noBody(res, 401);
    }
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      logger.warn({ event: 'slack_request_malformed' }, 'Slack request body is not valid JSON or form data');
      return noBody(res, 400);
    }
    const payload = body as Record<string, unknown> | null;
    if (payload && payload.ssl_check === '1') return noBody(res, 200);
    if (payload && payload.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, payload);
    if (payload && payload.type === 'app_rate_limited') {
      // Slack stopped sending events for a while (30,000 per workspace per hour); count it.
      metrics.errors.inc({ component: 'slack_app_rate_limited' });
      logger.warn({ event: 'slack_app_rate_limited', minuteRateLimited: payload.minute_rate_limited }, 'Slack rate-limited event delivery');
      return noBody(res, 200);
    }
    if (!isDispatchablePayload(payload)) {
      const type = payload !== null && typeof payload.type === 'string' ? payload.type.slice(0, 40) : undefined;
      logger.warn({ event: 'slack_request_malformed', type }, 'Slack request has no event, command or action');
      res.writeHead(400, { 'x-slack-no-retry': '1' }).end();
      return;
    }
    const dispatchable = payload as Record<string, unknown>;
    const retryNum = HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req);
    const retryReason = HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req);
    if (retryNum !== undefined) logger.info({ event: 'slack_retry_received', eventId: dispatchable.event_id, retryNum, retryReason }, 'Slack redelivered a request');

    const ack = new HTTPResponseAck({
      logger: this.options.boltLogger,
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: dispatchable,
      httpResponse: res,
    });
    const event: ReceiverEvent = { body: dispatchable, ack: ack.bind(), retryNum, retryReason, customProperties: {} };
    try {
      if (!this.app) throw new Error('Slack receiver used before Bolt initialised it');
      await this.app.processEvent(event);
    } catch (err) {
      if (!res.headersSent && isInstallationUnavailable(err)) {
        logger.warn({ event: 'slack_installation_unavailable', eventId: dispatchable.event_id, command: dispatchable.command }, 'workspace installation not cached and the store did not answer in time');
        if (typeof dispatchable.command === 'string') {
          // Slack does not retry commands: tell the user privately, no token needed.
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_type: 'ephemeral', text: UNAVAILABLE_TEXT }));
          return;
        }
        // Events are retried by Slack on an error status; actions show the user an error.
        res.writeHead(503, { 'retry-after': '5' }).end();
        return;
      }
      if (!res.headersSent) {
        noBody(res, err instanceof AuthorizationError ? 401 : 500);
        return;
      }
      // Already acked: the error belongs to the work after the ack and is logged there.
      logger.error({ err, event: 'slack_listener_failed' }, 'Slack listener failed after ack');
    }
  }
}

export const UNAVAILABLE_TEXT = 'Sorry: I cannot reach my database right now, so I could not answer. Please try again in a minute. (Only you can see this.)';

function noBody(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}
