/**
 * Security events: who issued, rotated or revoked which token, changed whose password or status. Each is written
 * once its change has committed, by the server and the CLI alike, as one JSON line with a stable `event` name, at
 * `info` even where LOG_LEVEL keeps other info lines out (only `silent` silences it). Never a secret: ids,
 * usernames and token prefixes only.
 */
import type { FastifyBaseLogger } from 'fastify';

export interface AuditEvent {
  event: string;
  /** Whose access changed. */
  userId: number;
  /** Who changed it: null for the management CLI (whoever has shell access to the server). */
  byUserId: number | null;
  message: string;
  [detail: string]: string | number | boolean | null;
}

export interface AuditLog {
  record(event: AuditEvent): void;
}

export function auditLogTo(log: FastifyBaseLogger): AuditLog {
  const audit = log.child({ audit: true }, { level: log.level === 'silent' ? 'silent' : 'info' });
  return {
    record: ({ message, ...fields }) => audit.info(fields, message),
  };
}
