/**
 * Request -> { em, user, auth }. Runs once per GraphQL request, before any resolver: a refused credential
 * rejects the whole request here (HTTP 401 with a challenge), so resolvers only ever see a verified caller or
 * an anonymous one, as plain data (see Principal).
 *
 * A scoped token may also come as the `token` query parameter, for links and downloads that cannot set a
 * header, but only where ALLOW_TOKEN_QUERY_PARAM allows it (URLs end up in logs and histories), only on GET,
 * and never together with an Authorization header; its responses are never cached nor sent as a referrer.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth, Principal } from './authentication/principal';
import { AppError, ErrorCode } from './errors';
import { reportUnexpected } from './graphql/client-errors';
import type { Services } from './services';

export interface Context {
  em: EntityManager;
  user: Principal | null;
  auth: Auth | null;
  client: { userAgent: string | null; address: string };
  services: Services;
  /** Also the X-Request-Id response header; errors shown only as a code carry it, and the logs say the rest. */
  requestId: string;
  /** The request's own logger: every line carries its id. */
  log: FastifyBaseLogger;
}

/**
 * Never fails with anything but an AppError: Apollo would answer any other error with a 500 "Context creation
 * failed: <its raw message>".
 */
export async function createContext(
  orm: MikroORM,
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Context> {
  try {
    return await buildContext(orm, services, request, reply);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw reportUnexpected(request.log, error, request.id);
  }
}

async function buildContext(
  orm: MikroORM,
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Context> {
  const em = orm.em.fork();
  const header = credentialsOf(request, reply, services);
  const authentication = await services.authenticator.authenticate(header, {
    em,
    now: services.clock.now(),
    clientAddress: request.ip,
  });
  request.authentication = authentication;
  if (authentication?.auth.scheme === 'tmptoken') {
    const { token, recipient } = authentication.auth;
    // Who the token was for, with each request made with it, also when the access log is off.
    request.log.info(
      { event: 'scoped_token_request', tokenId: token.id, userId: authentication.user.id, recipient },
      'request with a scoped token',
    );
  }
  return {
    em,
    user: authentication?.user ?? null,
    auth: authentication?.auth ?? null,
    client: { userAgent: request.headers['user-agent'] ?? null, address: request.ip },
    services,
    requestId: request.id,
    log: request.log,
  };
}

/** The Authorization header to authenticate: the request's own, or one made from the token parameter. */
function credentialsOf(request: FastifyRequest, reply: FastifyReply, services: Services): string | undefined {
  const refuse = (message: string) => new AppError(ErrorCode.BadRequest, message, 400);
  const headers = authorizationHeaders(request);
  // Node keeps the first of several, a proxy in front may have checked another: which one counts is unclear.
  if (headers.length > 1) throw refuse('Send one Authorization header, not several.');
  const parameter = (request.query as Record<string, unknown> | undefined)?.token;
  if (parameter === undefined) return headers[0];
  if (!services.config.allowTokenQueryParam) {
    throw refuse(
      'The token query parameter is not accepted here; send the token in the Authorization header.',
    );
  }
  if (request.method !== 'GET') {
    throw refuse('The token query parameter is accepted only on GET requests; send the token in a header.');
  }
  if (typeof parameter !== 'string' || headers.length > 0) {
    throw refuse('Send one token, either in the Authorization header or as the token query parameter.');
  }
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  return `TmpToken ${parameter}`;
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
