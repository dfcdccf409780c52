import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122232229 } from './Migration20261122232229';
import { Migration20261122234042 } from './Migration20261122234042';
import { Migration20261122235500 } from './Migration20261122235500';
import { Migration20261201231712 } from './Migration20261201231712';
import { Migration20261201233600 } from './Migration20261201233600';
import { Migration20261202001203 } from './Migration20261202001203';

/** Every migration, in order. Listed explicitly because folder discovery does not work under every runner. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122232229', class: Migration20261122232229 },
  { name: 'Migration20261122234042', class: Migration20261122234042 },
  { name: 'Migration20261122235500', class: Migration20261122235500 },
  { name: 'Migration20261201231712', class: Migration20261201231712 },
  { name: 'Migration20261201233600', class: Migration20261201233600 },
  { name: 'Migration20261202001203', class: Migration20261202001203 },
];
