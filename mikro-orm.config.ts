import { defineConfig } from '@mikro-orm/postgresql';
import path from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { PROJECT_ROOT } from './src/config';
import { ApiToken } from './src/entities/api-token.entity';
import { LoginThrottleCounter } from './src/entities/login-throttle.entity';
import { Track } from './src/entities/track.entity';
import { User } from './src/entities/user.entity';
import { migrationsList } from './src/migrations';

/**
 * The ORM settings shared by the server, the management CLI and the tests. The connection URL is added at run
 * time (embedded PostgreSQL or DATABASE_URL), see src/database/orm.ts.
 */
export default defineConfig({
  entities: [User, ApiToken, Track, LoginThrottleCounter],
  extensions: [Migrator],
  discovery: { requireEntitiesArray: true },
  forceUtcTimezone: true,
  migrations: {
    tableName: 'mikro_orm_migrations',
    path: path.join(PROJECT_ROOT, 'src/migrations'),
    migrationsList,
    snapshot: true,
    snapshotName: '.snapshot-tokengate',
    transactional: true,
    allOrNothing: true,
    emit: 'ts',
    silent: true,
  },
});
