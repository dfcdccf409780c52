import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { SCHEMA_DIRECTIVES } from './permissions/directives';
import { AuthResolver } from './resolvers/auth.resolver';
import { TokenResolver } from './resolvers/token.resolver';
import { TrackResolver } from './resolvers/track.resolver';
import { UserResolver } from './resolvers/user.resolver';

/** The schema as the resolvers declare it, directives included; app.ts adds their enforcement. */
export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AuthResolver, UserResolver, TokenResolver, TrackResolver],
    validate: false,
    directives: SCHEMA_DIRECTIVES,
  });
}
