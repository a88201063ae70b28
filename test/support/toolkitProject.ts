import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { PROJECT_ROOT } from './demoWorld';

/** The Microsoft 365 Agents Toolkit project at the repository root, as files the tests read. */

export { PROJECT_ROOT };

export function projectFile(relative: string): string {
  return readFileSync(path.join(PROJECT_ROOT, relative), 'utf8');
}

/** The variables of env/.env.<name>, empty ones included (the toolkit fills those in). */
export function environmentFile(name: string): Record<string, string> {
  return parseDotenv(projectFile(path.join('env', `.env.${name}`)));
}

/** Every ${{NAME}} placeholder in a text, in order, each once. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((match) => match[1] ?? ''))];
}

/** The text with every placeholder replaced, as the toolkit does; a placeholder without a value throws. */
export function resolvePlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`The placeholder \${{${name}}} has no value.`);
    return value;
  });
}

/** Values provision writes for dev, in their real shapes (GUIDs, host names), for rendering the manifest. */
export const PROVISIONED_DEV_VALUES: Readonly<Record<string, string>> = {
  TEAMS_APP_ID: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  BOT_ID: '3f1c7a52-8d0e-4b8a-9c61-5e2f0d4a7b19',
  BOT_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  BOT_DOMAIN: 'billingdev-abcd1234.azurewebsites.net',
  AAD_APP_CLIENT_ID: 'c4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70',
  AAD_APP_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
};

/** The same for local debug through a tunnel. */
export const PROVISIONED_LOCAL_VALUES: Readonly<Record<string, string>> = {
  TEAMS_APP_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  BOT_ID: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  AAD_APP_CLIENT_ID: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  BOT_ENDPOINT: 'https://abc123-3978.euw.devtunnels.ms',
  BOT_DOMAIN: 'abc123-3978.euw.devtunnels.ms',
};

/** The environment variables src/config/ reads (the only module that reads the environment). */
export function settingsReadByConfig(): Set<string> {
  const folder = path.join(PROJECT_ROOT, 'src', 'config');
  const source = readdirSync(folder).filter((name) => name.endsWith('.ts')).map((name) => projectFile(path.join('src', 'config', name))).join('\n');
  return new Set([...source.matchAll(/\b(?:text|oneOf(?:<[^>]+>)?|wholeNumber|required|httpsUrl|parsed)\(\s*'([A-Za-z_]+)'/g)].map((match) => match[1] ?? ''));
}
