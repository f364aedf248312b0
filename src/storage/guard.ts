/**
 * Wraps every method of a repository so that calls after `stop()` fail with CALMDESK_STORE_CLOSED
 * instead of a driver-specific error (or, for memory, silently working on a dead store).
 */
export function guardRepo<T extends object>(repo: T, assertOpen: () => void): T {
  const guarded = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(repo)) {
    guarded[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            assertOpen();
            return (value as (...a: unknown[]) => unknown).apply(repo, args);
          }
        : value;
  }
  return guarded as T;
}
