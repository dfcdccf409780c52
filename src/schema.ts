import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuthResolver } from './resolvers/auth.resolver';
import { TokenResolver } from './resolvers/token.resolver';
import { UserResolver } from './resolvers/user.resolver';

export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [AuthResolver, UserResolver, TokenResolver], validate: false });
}
