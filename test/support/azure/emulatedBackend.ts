import { readFile } from 'node:fs/promises';
import type { BillingLinkWrites } from '../../../src/config';
import { AzureBackend } from '../../../src/directory/azure/azureDirectoryFactory';
import type { AzureHttpOptions } from '../../../src/directory/azure/azureHttp';
import type { DirectoryFile } from '../../../src/domain/directory';
import { CONTOSO_TENANT, DEMO_DIRECTORY } from '../demoWorld';
import { AzureEmulator } from './azureEmulator';

export async function demoWorldFile(): Promise<DirectoryFile> {
  return JSON.parse(await readFile(DEMO_DIRECTORY, 'utf8')) as DirectoryFile;
}

/** Timeouts and retries sized for tests: short backoffs, a Retry-After cap of two seconds. */
export function testHttpOptions(emulator: AzureEmulator, overrides: Partial<AzureHttpOptions> = {}): AzureHttpOptions {
  return { timeoutMs: 5_000, maxRetries: 2, maxRetryAfterMs: 2_000, retryDelayMs: 5, trustedCertificates: emulator.certificate, ...overrides };
}

/** The Azure backend the bot would build, pointed at the emulator. */
export function emulatedBackend(
  emulator: AzureEmulator,
  options: { http?: Partial<AzureHttpOptions>; billingWrites?: BillingLinkWrites; principalNotFoundDelaysMs?: number[]; recentReadsLifetimeMs?: number; callsAtOnce?: number; peopleSearch?: boolean } = {},
): AzureBackend {
  return new AzureBackend({
    endpoints: emulator.endpoints,
    http: testHttpOptions(emulator, options.http),
    billingWrites: options.billingWrites ?? 'deep-link',
    roleAssignments: { principalNotFoundDelaysMs: options.principalNotFoundDelaysMs ?? [5, 5, 5] },
    // Tests see every command read Azure afresh unless they test reuse.
    recentReadsLifetimeMs: options.recentReadsLifetimeMs ?? 0,
    ...(options.callsAtOnce ? { callsAtOnce: options.callsAtOnce } : {}),
    ...(options.peopleSearch ? { peopleSearch: true } : {}),
  });
}

/** The requester as Teams would describe them, with tokens the emulator accepts. */
export function requester(emulator: AzureEmulator, userId: string, tenantId = CONTOSO_TENANT) {
  return { userId, tenantId, tokens: emulator.tokensFor(userId) };
}
