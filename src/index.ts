import 'dotenv/config';
import { buildApp } from './app';
import { ConfigError, loadConfig, secretValues } from './config';
import { KnowledgeError } from './knowledge/errors';
import { createLogger } from './logger';

/** Entry point: config -> build -> listen; SIGTERM/SIGINT stop gracefully within 10 s. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL, undefined, secretValues(config));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  let app;
  try {
    app = await buildApp(config, { logger });
  } catch (err) {
    const code = (err as { code?: string }).code;
    logger.fatal({ code, message: (err as Error).message }, 'cannot start');
    if (err instanceof KnowledgeError) process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  await app.listen();
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error('forced exit after 10 s');
      process.exit(1);
    }, 10_000);
    force.unref();
    app!.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
