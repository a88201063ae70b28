/**
 * The only module that reads the environment (src/config/). Every setting is validated once at
 * start, each by a zod schema, and a bad value stops the start with a message that names the
 * variable and says what it accepts.
 */
export { ConfigError } from './configError';
export { loadEnvironment, projectRoot, type Env } from './environment';
export { readConfig } from './readConfig';
export * from './types';
