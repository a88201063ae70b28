import nodeModule from 'node:module';

/**
 * Turns on Node's on-disk cache of compiled modules (Node 22.1 and later), so that a restart does not
 * compile botbuilder, teams-ai and the bot's own code again; on an older Node it does nothing. Node
 * keeps the cache in its usual folder under the system's temporary folder (or where
 * NODE_COMPILE_CACHE says), and a folder it cannot write leaves the start as it was: the cache only
 * saves time, it never changes what runs.
 */
export function enableCompileCache(): void {
  const withCache = nodeModule as { enableCompileCache?: () => unknown };
  try {
    withCache.enableCompileCache?.();
  } catch {
    // Only the time it would have saved is lost.
  }
}
