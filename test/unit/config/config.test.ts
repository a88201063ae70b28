import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadEnvironment, readConfig } from '../../../src/config';

describe('Configuration', () => {
  it('defaults to local development on the demo directory and ./data/state.json', () => {
    const config = readConfig({});
    assert.equal(config.port, 3978);
    assert.equal(config.directory, 'local');
    assert.equal(config.stateFile, path.resolve('data', 'state.json'));
    assert.match(config.directoryFile, /demo[/\\]directory\.json$/);
    assert.equal(config.credentials, undefined);
    assert.equal(config.flowTtlMinutes, 15);
  });

  const invalid: { env: Record<string, string>; names: RegExp }[] = [
    { env: { PORT: 'eighty' }, names: /^PORT is "eighty", but it must be a whole number from 0 to 65535\.$/ },
    { env: { PORT: '70000' }, names: /^PORT/ },
    { env: { LOG_LEVEL: 'loud' }, names: /^LOG_LEVEL is "loud", but it must be one of: fatal, error, warn, info, debug, trace, silent\.$/ },
    { env: { DIRECTORY: 'ldap' }, names: /^DIRECTORY is "ldap"/ },
    { env: { MicrosoftAppPassword: 'secret' }, names: /MicrosoftAppPassword is set but MicrosoftAppId is not/ },
    { env: { MicrosoftAppId: 'app' }, names: /MicrosoftAppId is set but MicrosoftAppPassword is not/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' }, names: /needs MicrosoftAppTenantId/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'Sideways' }, names: /^MicrosoftAppType is "Sideways"/ },
    { env: { FLOW_TTL_MINUTES: '0' }, names: /^FLOW_TTL_MINUTES/ },
  ];
  for (const { env, names } of invalid) {
    it(`refuses ${JSON.stringify(env)} with a message naming the variable`, () => {
      assert.throws(() => readConfig(env), (error: unknown) => error instanceof ConfigError && names.test(error.message));
    });
  }

  it('accepts complete credentials', () => {
    const config = readConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'singletenant', MicrosoftAppTenantId: 't' });
    assert.deepEqual(config.credentials, { appId: 'app', appPassword: 'p', appType: 'SingleTenant', tenantId: 't' });
  });

  it('reads .env beneath the real environment, which wins', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-env-'));
    try {
      const file = path.join(folder, '.env');
      await writeFile(file, 'PORT=4000\nLOG_LEVEL=debug\n');
      const env = loadEnvironment({ PORT: '5000' }, file);
      const config = readConfig(env);
      assert.equal(config.port, 5000);
      assert.equal(config.logLevel, 'debug');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
