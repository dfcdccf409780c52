import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { type Context, createContext } from './context';
import { type AppError, DatabaseOutage, ErrorCode } from './errors';
import { formatClientError, reportUnexpected, unexpectedErrorPlugin } from './graphql/client-errors';
import { credentialFieldLimitRule } from './graphql/credential-field-limit.rule';
import { queryLimitProtection } from './graphql/query-limits';
import { scopeCheckPlugin } from './graphql/scope-check.plugin';
import { assertEveryFieldProtected, protectSchema } from './permissions/directives';
import { describeError } from './logging';
import { buildGraphQLSchema } from './schema';
import type { Explorer } from './config';
import { loadPageAssets, type PageAssets } from './pages/page-assets';
import { registerPages } from './pages/pages';
import { RequestLogController } from './request-log';
import type { Services } from './services';

export const GRAPHQL_PATH = '/graphql';

export interface AppOptions {
  /** False while the database schema may not be current (a server started during an outage): GraphQL gets 503. */
  databaseReady?: () => boolean;
  /** The built browser pages; by default read from dist/web. */
  pageAssets?: PageAssets | null;
}

export async function buildApp(
  orm: MikroORM,
  services: Services,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const databaseReady = options.databaseReady ?? (() => true);
  const app = Fastify({
    loggerInstance: services.log,
    logController: new RequestLogController({ disableRequestLogging: !config.logRequests }),
    trustProxy: config.trustProxy,
    // Our own ids only: one taken from a request header could be chosen to collide with another's.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    // Node checks the headers and request deadlines only every connectionsCheckingInterval (30 s by default).
    http: { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.decorateRequest('authentication', null);
  await app.register(cors, {
    // An exact list is matched, never reflected; no origin at all leaves out every CORS header.
    origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    // Tokens travel in the Authorization header, never in cookies: no response allows credentials.
    credentials: false,
    maxAge: 600,
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-request-id', request.id);
    // GraphQL answers are per caller and may carry a new token: no shared or browser cache may keep them.
    if (request.url.startsWith(GRAPHQL_PATH)) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (databaseReady() || !(request.url.startsWith(GRAPHQL_PATH) || request.url === '/readyz')) return;
    return sendAppError(reply, new DatabaseOutage(request.id));
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status < 500) {
      return reply
        .status(status)
        .send({ errors: [{ message: error.message, extensions: { code: httpErrorCode(status) } }] });
    }
    return sendAppError(reply, reportUnexpected(request.log, error, request.id));
  });

  const schema = protectSchema(await buildGraphQLSchema(), config.defaultPermission);
  assertEveryFieldProtected(schema);
  const queryLimits = queryLimitProtection(config.queryLimits);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    // "Did you mean ...?" suggestions would leak the schema piece by piece, introspection or not.
    hideSchemaDetailsFromClientErrors: true,
    // Fragments that spread each other can ask for exponentially many selections; Apollo's default bound.
    maxRecursiveSelections: true,
    parseOptions: queryLimits.parseOptions,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries would let any client fill a server-side cache; nothing here needs them.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    validationRules: [credentialFieldLimitRule, ...queryLimits.validationRules],
    // Shutdown is ours (src/server.ts): Apollo's own signal handler would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    logger: app.log,
    formatError: formatClientError,
    plugins: [
      landingPagePlugin(config.explorer),
      unexpectedErrorPlugin(),
      scopeCheckPlugin(),
      ...queryLimits.plugins,
    ],
  });
  await apollo.start();
  await services.authCache.listen(orm.config.get('clientUrl'), (error) =>
    app.log.warn(
      { err: describeError(error) },
      'auth cache listener failed; bypassing the cache until it reconnects',
    ),
  );
  app.addHook('onClose', () => services.authCache.close());
  drainOnClose(app);
  // fastify.close() stops accepting, lets in-flight requests finish, then runs this.
  app.addHook('onClose', () => apollo.stop());
  app.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
      context: (request, reply) => createContext(orm, services, request, reply),
    }),
  });

  const pageAssets = options.pageAssets === undefined ? await loadPageAssets() : options.pageAssets;
  registerPages(app, config, pageAssets, GRAPHQL_PATH);

  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ errors: [{ message: 'Not found.', extensions: { code: ErrorCode.NotFound } }] }),
  );

  app.get('/healthz', async (_request, reply) => {
    const healthy = await databaseAnswers(orm, 'select 1');
    return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'database unavailable' });
  });

  // For a load balancer: ready when a query of our own tables answers (migrated schema, working pool).
  app.get('/readyz', async (_request, reply) => {
    const ready = await databaseAnswers(orm, 'select 1 from users limit 1');
    if (ready) return reply.send({ status: 'ready' });
    return reply.status(503).header('retry-after', '5').send({ status: 'database unavailable' });
  });
  return app;
}

function databaseAnswers(orm: MikroORM, sql: string): Promise<boolean> {
  return orm.em
    .getConnection()
    .execute(sql)
    .then(
      () => true,
      () => false,
    );
}

/**
 * Node closes keep-alive connections that are idle when close() starts, but a connection that was busy then
 * stays open after its response until the client hangs up. Close those as they turn idle, and everything after
 * a grace period, so that shutdown finishes in-flight requests and then really stops.
 */
function drainOnClose(app: FastifyInstance, graceMs = 10_000) {
  app.addHook('preClose', (done) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > graceMs) app.server.closeAllConnections();
      else app.server.closeIdleConnections();
    }, 50);
    app.server.once('close', () => clearInterval(timer));
    done();
  });
}

/** Apollo Sandbox when chosen; for GraphiQL, the redirect in registerPages answers browsers instead. */
function landingPagePlugin(explorer: Explorer): ApolloServerPlugin<Context> {
  return explorer === 'sandbox'
    ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
    : ApolloServerPluginLandingPageDisabled();
}

/** An AppError outside GraphQL, in the shape and with the status and headers GraphQL responses use. */
function sendAppError(reply: FastifyReply, error: AppError): FastifyReply {
  const http = error.extensions.http as { status: number; headers?: Map<string, string> };
  const { code, requestId } = error.extensions;
  return reply
    .status(http.status)
    .headers(Object.fromEntries(http.headers ?? []))
    .send({ errors: [{ message: error.message, extensions: { code, requestId } }] });
}

function httpErrorCode(status: number): ErrorCode {
  if (status === 500) return ErrorCode.Internal;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 413) return ErrorCode.PayloadTooLarge;
  return ErrorCode.BadRequest;
}
