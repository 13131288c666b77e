#!/usr/bin/env node
// Composition root and CLI: `tessera server [...]` runs the embedded single node (S3,
// admin, metadata and six drives in one process); SIGTERM/SIGINT shut it down cleanly.
// `tessera admin …` talks to a running server's admin port (admin/cli.ts).

import { Command } from 'commander';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './util/logger.js';
import { startServer } from './server.js';
import { registerAdminCommands } from './admin/cli.js';

const program = new Command();
program.name('tessera').description('Tessera: an S3-compatible object store with dedup, compression and erasure coding');

program
  .command('server')
  .description('run the embedded single-node server (S3 on 127.0.0.1:9900, admin on 127.0.0.1:9901, data in ./data)')
  .option('--data-dir <dir>', 'data directory (metadata, credentials, drive-0 … drive-N)')
  .option('--s3-address <host:port>', 'S3 listen address')
  .option('--admin-address <host:port>', 'admin listen address (health, metrics)')
  .option('--drives <n>', 'number of drive directories')
  .option('--config <file>', 'JSON configuration file (see config/)')
  .option('--log-level <level>', 'pino log level')
  .action(async (opts: { dataDir?: string; s3Address?: string; adminAddress?: string; drives?: string; config?: string; logLevel?: string }) => {
    let config;
    try {
      config = loadConfig(opts);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`tessera: ${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    const logger = createLogger(config.logLevel);
    let server;
    try {
      server = await startServer(config, logger);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`tessera: ${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    if (server.credentials.generated) {
      // Printed once, on the terminal only: never through the logger.
      process.stdout.write(
        `Generated root credentials (stored in ${config.dataDir}/credentials.json):\n` +
          `  export AWS_ACCESS_KEY_ID=${server.credentials.accessKeyId}\n` +
          `  export AWS_SECRET_ACCESS_KEY=${server.credentials.secretAccessKey}\n`,
      );
    }
    logger.info({ s3: server.s3Url, admin: server.adminUrl, dataDir: config.dataDir, drives: config.drives }, 'tessera serving');
    process.stdout.write(`S3 on ${server.s3Url}, admin on ${server.adminUrl}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

registerAdminCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`tessera: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
