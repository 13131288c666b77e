// JSON logs (pino) to stderr. Redaction keeps credentials out of logs even if a header
// object is logged by mistake.

import { pino, destination, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['*.authorization', '*.headers.authorization', 'secretAccessKey', '*.secretAccessKey', '*["x-amz-security-token"]'],
        censor: '[redacted]',
      },
    },
    destination(2),
  );
}
