import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

/** A real pino logger whose JSON lines land in `lines`, for assertions on what was logged. */
export function captureLog(level = 'info'): { log: FastifyBaseLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}
