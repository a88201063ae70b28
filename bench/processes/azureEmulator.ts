import type { DirectoryFile } from '../../src/domain/directory';
import { AzureEmulator } from '../../test/support/azure/azureEmulator';
import { vsidOf } from '../../test/support/azure/emulatedWorld';
import { announceFailure, announceReady, serveParent } from '../lib/child';

/**
 * The spec-checking Azure emulator in its own process, so that the cost of emulating Azure is not
 * counted as the bot's: the bot under measurement only waits for it, as it waits for Azure.
 */
interface Options {
  readonly world: DirectoryFile;
  readonly latencyMs: number;
  /** Organizations whose billing is set up, with the subscription that pays and who set it up. */
  readonly billing: readonly { readonly organizationId: string; readonly subscriptionId: string; readonly by: string }[];
  /** The user whose tokens the bot gets. */
  readonly userId: string;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Options;
  const emulator = await AzureEmulator.start(options.world, { latencyMs: options.latencyMs, pageSize: 100 });
  for (const link of options.billing) emulator.world.billing.set(link.organizationId, { subscriptionId: link.subscriptionId, updatedBy: vsidOf(link.by), updatedAt: new Date() });
  serveParent({
    requests: () => {
      const byOperation: Record<string, number> = {};
      for (const request of emulator.requests) byOperation[request.operationId] = (byOperation[request.operationId] ?? 0) + 1;
      return { total: emulator.requests.length, byOperation, violations: [...emulator.violations] };
    },
  }, () => emulator.stop());
  announceReady({
    endpoints: emulator.endpoints,
    certificate: emulator.certificate,
    armToken: emulator.tokenFor(options.userId, 'azure-resource-manager'),
    devOpsToken: emulator.tokenFor(options.userId, 'azure-devops'),
  });
}

main().catch((error: unknown) => announceFailure(error));
