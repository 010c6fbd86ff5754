/**
 * An error for a log line: its class, and its `code` when it has a short one
 * (`ECONNREFUSED`). Never its message, which may hold a connection string.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? `${error.name} (${code})` : error.name;
}
