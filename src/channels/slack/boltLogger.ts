import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Bolt, the Web API client and the Socket Mode client log through this adapter into pino.
 * Their debug output carries whole payloads (user text), so it goes to pino's trace level.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack-sdk' });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.trace(text(msg)),
    info: (...msg: unknown[]) => log.info(text(msg)),
    warn: (...msg: unknown[]) => log.warn(text(msg)),
    error: (...msg: unknown[]) => log.error(text(msg)),
    // The level is pino's; Bolt asks for it to decide whether to build debug strings.
    setLevel: () => undefined,
    getLevel: () => (log.isLevelEnabled('trace') ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}
