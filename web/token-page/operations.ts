import { gql, type TypedDocumentNode } from '@apollo/client';

export type TokenKind = 'LOGIN' | 'BEARER' | 'SCOPED';

export interface TokenRow {
  id: string;
  kind: TokenKind;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  isCurrent: boolean;
  createdBy: { username: string } | null;
  scopes: string[] | null;
  recipient: string | null;
}

export interface TokenPolicy {
  bearerTokenDefaultDays: number;
  bearerTokenMaxDays: number;
  bearerTokensPerUser: number;
  scopedTokens: { maxAgeSeconds: number; scopes: string[] } | null;
}

export interface Me {
  id: string;
  username: string;
  isStaff: boolean | null;
}

export const LOGIN: TypedDocumentNode<
  { login: { token: string; user: { username: string } } | null },
  { username: string; password: string }
> = gql`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      user {
        username
      }
    }
  }
`;

const TOKEN_FIELDS = gql`
  fragment TokenRow on TokenInfo {
    id
    kind
    name
    prefix
    createdAt
    expiresAt
    lastUsedAt
    isCurrent
    createdBy {
      username
    }
    scopes
    recipient
  }
`;

export const TOKEN_PAGE: TypedDocumentNode<
  { me: Me | null; myTokens: TokenRow[] | null; tokenPolicy: TokenPolicy | null },
  Record<string, never>
> = gql`
  query TokenPage {
    me {
      id
      username
      isStaff
    }
    myTokens {
      ...TokenRow
    }
    tokenPolicy {
      bearerTokenDefaultDays
      bearerTokenMaxDays
      bearerTokensPerUser
      scopedTokens {
        maxAgeSeconds
        scopes
      }
    }
  }
  ${TOKEN_FIELDS}
`;

export const CREATE_BEARER_TOKEN: TypedDocumentNode<
  { createBearerToken: { token: string; info: TokenRow } | null },
  { name: string; expiresInDays: number; forUserId?: string }
> = gql`
  mutation CreateBearerToken($name: String!, $expiresInDays: Int, $forUserId: ID) {
    createBearerToken(name: $name, expiresInDays: $expiresInDays, forUserId: $forUserId) {
      token
      info {
        ...TokenRow
      }
    }
  }
  ${TOKEN_FIELDS}
`;

export const CREATE_SCOPED_TOKEN: TypedDocumentNode<
  { scopedToken: { token: string; info: TokenRow } | null },
  { scopes: string[]; maxAgeSeconds: number; recipient: string | null }
> = gql`
  mutation CreateScopedToken($scopes: [String!]!, $maxAgeSeconds: Int, $recipient: String) {
    scopedToken(scopes: $scopes, maxAgeSeconds: $maxAgeSeconds, recipient: $recipient) {
      token
      info {
        ...TokenRow
      }
    }
  }
  ${TOKEN_FIELDS}
`;

export const REVOKE_TOKEN: TypedDocumentNode<{ revokeToken: boolean | null }, { id: string }> = gql`
  mutation RevokeToken($id: ID!) {
    revokeToken(id: $id)
  }
`;

export const LOGOUT: TypedDocumentNode<{ logout: boolean | null }, Record<string, never>> = gql`
  mutation Logout {
    logout
  }
`;

export const LOGOUT_ALL: TypedDocumentNode<{ logoutAll: number | null }, Record<string, never>> = gql`
  mutation LogoutAll {
    logoutAll
  }
`;

export const CHANGE_PASSWORD: TypedDocumentNode<
  { changePassword: boolean | null },
  { currentPassword: string; newPassword: string }
> = gql`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`;

export const FIND_USER: TypedDocumentNode<
  { user: { id: string; username: string } | null },
  { username: string }
> = gql`
  query FindUser($username: String!) {
    user(username: $username) {
      id
      username
    }
  }
`;
