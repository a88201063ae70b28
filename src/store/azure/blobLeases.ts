import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { Lease, Leases } from '../../domain/ports/leases';
import { statusOf } from './tableErrors';
import { keyPart } from './tableRows';

/**
 * Leases as Azure Blob leases, one empty blob per name in one container: the storage service makes
 * sure only one lease id holds a blob at a time, and lets a lease lapse when its holder stops
 * renewing it (a killed instance), so another can take it.
 */
export class BlobLeases implements Leases {
  private ready: Promise<void> | undefined;

  constructor(private readonly container: ContainerClient) {}

  lease(name: string, seconds: number): Lease {
    const blob = this.container.getBlockBlobClient(`${keyPart(name)}.lease`);
    const holder = blob.getBlobLeaseClient(randomUUID());
    const ensureBlob = async (): Promise<void> => {
      await this.containerReady();
      try {
        await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
      } catch (error) {
        // 409: it exists and is leased; 412: it exists. Either way it is there to lease.
        if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
      }
    };
    let blobKnown = false;
    return {
      acquire: async () => {
        if (!blobKnown) {
          await ensureBlob();
          blobKnown = true;
        }
        try {
          await holder.acquireLease(seconds);
          return true;
        } catch (error) {
          if (statusOf(error) === 409) return false;
          if (statusOf(error) === 404) blobKnown = false;
          throw error;
        }
      },
      renew: async () => {
        try {
          await holder.renewLease();
          return true;
        } catch (error) {
          const status = statusOf(error);
          if (status === 409 || status === 412 || status === 404) return false;
          throw error;
        }
      },
      release: async () => {
        try {
          await holder.releaseLease();
        } catch (error) {
          const status = statusOf(error);
          if (status !== 409 && status !== 412 && status !== 404) throw error;
        }
      },
    };
  }

  private containerReady(): Promise<void> {
    this.ready ??= this.container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }
}
