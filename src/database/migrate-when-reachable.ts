import type { MikroORM } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from './database';
import { migrate } from './orm';

/**
 * Applies pending migrations as soon as the database answers, trying again every `retryMs` while it cannot be
 * reached; resolves with the names applied. A failure of the migration itself is not retried: it rejects.
 */
export async function migrateWhenReachable(
  orm: MikroORM,
  options: { retryMs: number; stopped: () => boolean },
): Promise<string[] | null> {
  for (;;) {
    try {
      return await migrate(orm);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.retryMs));
    if (options.stopped()) return null;
  }
}
