import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { loggerOptions } from '../../src/services';

/** The server's logger, configured as it is, but with its JSON lines landing in `lines` for assertions. */
export function captureLog(level = 'info'): { log: FastifyBaseLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(loggerOptions(level), {
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { log, lines };
}
