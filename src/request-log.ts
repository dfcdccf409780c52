/**
 * The access log: Fastify's "incoming request" and "request completed" lines, the latter with who made the
 * request (user id, scheme, token id, and a scoped token's recipient) beside the status and time. Every line of a
 * request carries its id as `reqId`. A failed response is logged by type and frames only, as everywhere else.
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Auth, Authentication, Principal } from './authentication/principal';
import { describeError } from './logging';

export interface RequestCaller {
  userId: number;
  auth: Auth['scheme'];
  tokenId?: number;
  recipient?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the context builder once the credentials are checked; null for anonymous requests. */
    authentication: Authentication | null;
  }
}

/** Who made the request, for the access log (not the resolvers' callerOf, which gives the Principal). */
export function requestCallerOf(user: Principal, auth: Auth): RequestCaller {
  if (auth.scheme === 'basic') return { userId: user.id, auth: auth.scheme };
  if (auth.scheme === 'tmptoken') {
    return { userId: user.id, auth: auth.scheme, tokenId: auth.token.id, recipient: auth.recipient };
  }
  return { userId: user.id, auth: auth.scheme, tokenId: auth.token.id };
}

export class RequestLogController extends LogController {
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    // Made only here, when the line is written: requests pay nothing for it while the access log is off.
    const { authentication } = request;
    const caller = authentication ? requestCallerOf(authentication.user, authentication.auth) : undefined;
    const entry = { res: reply, responseTime: reply.elapsedTime, caller };
    if (error) reply.log.error({ ...entry, err: describeError(error) }, 'request errored');
    else reply.log.info(entry, 'request completed');
  }
}
