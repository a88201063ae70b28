import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { DelegatedTokens } from '../../../src/domain/credentials';
import { readUnverifiedClaims } from '../../../src/auth/tokenClaims';
import { UserTokenCredential } from '../../../src/auth/userTokenCredential';

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('Delegated tokens', () => {
  const arm = jwt({ oid: 'user-1', tid: 'tenant-1', exp: 2_000_000_000 });
  const devops = jwt({ oid: 'user-1', tid: 'tenant-1' });

  it('hand each service its token and name the ones missing, in sign-in order', () => {
    const tokens = new DelegatedTokens({ 'azure-devops': devops });
    assert.equal(tokens.tokenFor('azure-devops'), devops);
    assert.equal(tokens.tokenFor('azure-resource-manager'), undefined);
    assert.deepEqual(tokens.missing(), ['azure-resource-manager']);
    assert.deepEqual(new DelegatedTokens({ 'azure-resource-manager': arm, 'azure-devops': devops }).missing(), []);
  });

  it('never show a token when a caller carrying them is serialized, inspected or logged', () => {
    const caller = { userId: 'user-1', tenantId: 'tenant-1', conversationId: 'c', tokens: new DelegatedTokens({ 'azure-resource-manager': arm, 'azure-devops': devops }) };
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }));
    logger.info({ caller }, 'acting');
    const outputs = [JSON.stringify(caller), inspect(caller, { depth: 5, showHidden: true }), String(caller.tokens), lines.join('')];
    for (const output of outputs) {
      assert.ok(!output.includes(arm) && !output.includes(devops), `A token appeared in: ${output}`);
      assert.ok(!output.includes(arm.split('.')[1] ?? 'x'), 'Part of a token appeared.');
    }
    assert.match(lines.join(''), /access tokens withheld/);
  });
});

describe('Token claims and the user token credential', () => {
  it('read oid, tid and exp without checking the signature, and nothing from a malformed token', () => {
    assert.deepEqual(readUnverifiedClaims(jwt({ oid: 'o', tid: 't', exp: 1_700_000_000 })), { objectId: 'o', tenantId: 't', expiresAt: new Date(1_700_000_000_000) });
    assert.deepEqual(readUnverifiedClaims('not-a-jwt'), {});
    assert.deepEqual(readUnverifiedClaims('a.%%%.c'), {});
  });

  it('gives the SDK the user token with its own expiry, whatever scope is asked', async () => {
    const token = jwt({ exp: 2_000_000_000 });
    const credential = new UserTokenCredential(token);
    assert.deepEqual(await credential.getToken('https://management.azure.com/.default'), { token, expiresOnTimestamp: 2_000_000_000_000 });
    const noExpiry = await new UserTokenCredential(jwt({}), () => 1_000).getToken([]);
    assert.equal(noExpiry.expiresOnTimestamp, 1_000 + 5 * 60_000);
  });
});
