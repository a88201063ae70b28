import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError } from './configError';

export type Env = Readonly<Record<string, string | undefined>>;

/** The project root: three levels above this file in src/config/ and in dist/src/config/. */
export function projectRoot(): string {
  const up = path.resolve(__dirname, '..', '..');
  return path.basename(up) === 'dist' ? path.resolve(up, '..') : up;
}

/**
 * Reads `.env` (if present) beneath the real environment: a variable set in the environment wins, so
 * a deployment can override the file without editing it.
 */
export function loadEnvironment(env: Env = process.env, dotenvFile = path.join(process.cwd(), '.env')): Env {
  if (!existsSync(dotenvFile)) return env;
  let fromFile: Record<string, string>;
  try {
    fromFile = parseDotenv(readFileSync(dotenvFile));
  } catch (error) {
    throw new ConfigError(`Could not read ${dotenvFile}: ${(error as Error).message}. Fix or remove the file.`);
  }
  return { ...fromFile, ...env };
}
