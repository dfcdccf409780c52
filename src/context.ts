/**
 * Request -> { em, user, auth }. Runs once per GraphQL request, before any resolver: a refused credential
 * rejects the whole request here (HTTP 401 with a challenge), so resolvers only ever see a verified caller or
 * an anonymous one.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { AuthCache } from './authentication/auth-cache';
import type { Authenticator } from './authentication/authenticator';
import type { PasswordHasher } from './accounts/passwords';
import type { AuthInfo } from './authentication/auth-scheme';
import type { Clock } from './clock';
import type { Config } from './config';
import type { User } from './entities/user.entity';

export interface Services {
  config: Config;
  clock: Clock;
  passwords: PasswordHasher;
  authenticator: Authenticator;
  authCache: AuthCache;
  /** Application log; security events (tokens issued for others, revocations) are recorded here. */
  log: FastifyBaseLogger;
}

export interface Context {
  em: EntityManager;
  /**
   * The caller, as of the token check: a plain snapshot of the User's fields, not an entity `em` manages (the
   * check is served from a cache). Read it freely; to change the user, load it through `em`; to point a relation
   * at it, use `em.getReference(User, user.id)`.
   */
  user: User | null;
  auth: AuthInfo | null;
  client: { userAgent: string | null };
  services: Services;
  /**
   * Set by resolvers that revoke tokens or change a user (see authStateChanged): the token cache is then cleared
   * before the response is sent, so the change holds for the very next request.
   */
  authChanged: boolean;
}

/** Records that this request changed who may authenticate; returns the value for a resolver to pass on. */
export function authStateChanged<T>(context: Context, result: T): T {
  context.authChanged = true;
  return result;
}

export async function createContext(
  orm: MikroORM,
  services: Services,
  request: FastifyRequest,
): Promise<Context> {
  const em = orm.em.fork();
  const authentication = await services.authenticator.authenticate(authorizationHeaders(request), {
    em,
    now: services.clock.now(),
  });
  return {
    em,
    user: authentication?.user ?? null,
    auth: authentication?.auth ?? null,
    client: { userAgent: request.headers['user-agent'] ?? null },
    services,
    authChanged: false,
  };
}

/** Every Authorization header of the request: Node keeps only the first, and a proxy might keep the last. */
function authorizationHeaders(request: FastifyRequest): string[] {
  const raw = request.raw.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'authorization') values.push(raw[i + 1]!);
  }
  return values;
}
