/**
 * The key that signs scoped tokens. In production SECRET_KEY must be set (config.ts refuses to start otherwise);
 * in development an unset one is generated once and kept in the data folder, readable by its owner only, so that
 * tokens survive a restart without anyone choosing a key.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

export function resolveSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>): string {
  if (config.secretKey !== null) return config.secretKey;
  const file = path.join(config.dataDir, 'secret-key');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o755 });
  try {
    writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (the CLI, a second server) made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}
