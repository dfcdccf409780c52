/**
 * What is logged of an unexpected error: its type, driver code and stack frames, but not its message, which for
 * database errors can quote SQL parameters such as token digests or password hashes.
 */
export function describeError(error: unknown): { type: string; code?: string | number; frames?: string[] } {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.constructor.name,
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    frames: error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at ')),
  };
}
