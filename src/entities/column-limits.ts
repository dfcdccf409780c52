/** Column sizes, shared by the entities (the schema) and the validators (the error messages). */
export const COLUMN_LIMITS = {
  username: 150,
  email: 254,
  tokenName: 100,
  tokenPrefix: 16,
  trackTitle: 200,
  trackArtist: 200,
  recipient: 200,
} as const;
