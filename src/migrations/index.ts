import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122232229 } from './Migration20261122232229';

/** Every migration, in order. Listed explicitly because folder discovery does not work under every runner. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122232229', class: Migration20261122232229 },
];
