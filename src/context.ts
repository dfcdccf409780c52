/**
 * Request -> { em, user, auth }. Runs once per GraphQL request, before any resolver: a refused credential
 * rejects the whole request here (HTTP 401 with a challenge), so resolvers only ever see a verified caller or
 * an anonymous one, as plain data (see Principal).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import type { Auth, Principal } from './authentication/principal';
import type { Services } from './services';

export interface Context {
  em: EntityManager;
  user: Principal | null;
  auth: Auth | null;
  client: { userAgent: string | null };
  services: Services;
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
