import assert from 'node:assert/strict';
import { ConfigError, readConfig } from '../../../src/config';

const CREDENTIALS = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' };

describe('Configuration: BOT_OPENID_METADATA_URL', () => {
  it('is absent unless set, so the public cloud metadata is used', () => {
    assert.equal(readConfig(CREDENTIALS).credentials?.openIdMetadataUrl, undefined);
  });

  const accepted = [
    'https://login.botframework.com/v1/.well-known/openidconfiguration',
    'http://127.0.0.1:4321/v1/.well-known/openidconfiguration',
    'http://localhost:4321/metadata',
    'http://[::1]:4321/metadata',
  ];
  for (const url of accepted) {
    it(`accepts ${url}`, () => {
      assert.equal(readConfig({ ...CREDENTIALS, BOT_OPENID_METADATA_URL: url }).credentials?.openIdMetadataUrl, url);
    });
  }

  const refused: { value: string; env?: Record<string, string>; message: RegExp }[] = [
    { value: 'http://keys.example.test/metadata', message: /must be an https address \(plain http is accepted only for localhost\)/ },
    { value: 'ftp://keys.example.test/metadata', message: /must be an https address/ },
    { value: 'not a url', message: /is "not a url", which is not a URL/ },
    { value: 'https://login.botframework.com/v1/.well-known/openidconfiguration', env: {}, message: /BOT_OPENID_METADATA_URL is set but MicrosoftAppId is not/ },
  ];
  for (const { value, env, message } of refused) {
    it(`refuses "${value}"${env ? ' without credentials' : ''} with a message naming the variable`, () => {
      assert.throws(
        () => readConfig({ ...(env ?? CREDENTIALS), BOT_OPENID_METADATA_URL: value }),
        (error: unknown) => error instanceof ConfigError && /BOT_OPENID_METADATA_URL/.test(error.message) && message.test(error.message),
      );
    });
  }
});
