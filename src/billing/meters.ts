import type { MeterId } from '../domain/model';

/**
 * The five paid meters of an Azure DevOps organization, with the free tier of BILLING.md and the
 * bounds this bot accepts. A paid quantity always counts what is bought on top of the free amount.
 */
export interface Meter {
  readonly id: MeterId;
  /** As a heading or a fact title. */
  readonly name: string;
  /** In a sentence, after a number: "1 Basic user", "10 Basic users". */
  readonly one: string;
  readonly many: string;
  /** What one paid unit is, in "6 USD per user a month". */
  readonly unit: string;
  readonly free: number;
  /** The free amount as a user reads it. */
  readonly freeText: string;
  /** The most this bot buys at once; larger purchases are a conversation with Microsoft anyway. */
  readonly max: number;
}

/** Where a new organization asks for its free Microsoft-hosted parallel job (Microsoft's request form). */
export const FREE_GRANT_REQUEST_FORM = 'https://aka.ms/azpipelines-parallelism-request';

export const METERS: readonly Meter[] = [
  { id: 'basicUsers', name: 'Basic users', one: 'Basic user', many: 'Basic users', unit: 'user', free: 5, freeText: '5 free', max: 1000 },
  {
    id: 'basicTestPlansUsers',
    name: 'Basic + Test Plans users',
    one: 'Basic + Test Plans user',
    many: 'Basic + Test Plans users',
    unit: 'user',
    free: 0,
    freeText: 'none free',
    max: 1000,
  },
  {
    id: 'microsoftHostedJobs',
    name: 'Microsoft-hosted parallel jobs',
    one: 'Microsoft-hosted parallel job',
    many: 'Microsoft-hosted parallel jobs',
    unit: 'parallel job',
    free: 1,
    freeText: `1 free (1,800 minutes a month for private projects; unlimited minutes for public ones). A new organization may have to ask for its free grant first, with the form at ${FREE_GRANT_REQUEST_FORM}`,
    max: 200,
  },
  {
    id: 'selfHostedJobs',
    name: 'Self-hosted parallel jobs',
    one: 'self-hosted parallel job',
    many: 'self-hosted parallel jobs',
    unit: 'parallel job',
    free: 1,
    freeText: '1 free, plus 1 for each Visual Studio Enterprise subscriber in the organization',
    max: 200,
  },
  {
    id: 'artifactsGiB',
    name: 'Artifacts storage (GiB)',
    one: 'GiB of Artifacts storage',
    many: 'GiB of Artifacts storage',
    unit: 'GiB',
    free: 2,
    freeText: '2 GiB free; paid GiB come on top of them',
    max: 10_000,
  },
];

/**
 * What is really bought today: parallel jobs, as counts. Users are billed by the access level
 * assigned to them, and Artifacts storage on use (a switch, not a count); their meters stay only so
 * that quantities recorded by earlier versions can be read and shown as history.
 */
export const BOUGHT_METERS: readonly Meter[] = METERS.filter((meter) => meter.id === 'microsoftHostedJobs' || meter.id === 'selfHostedJobs');

export function meterOf(id: MeterId): Meter {
  const meter = METERS.find((m) => m.id === id);
  if (!meter) throw new Error(`No meter is defined for ${id}.`);
  return meter;
}

/** "1 Basic user", "1,000 Basic users", "5 GiB of Artifacts storage". */
export function quantityText(meter: Meter, quantity: number): string {
  return `${wholeNumberText(quantity)} ${quantity === 1 ? meter.one : meter.many}`;
}

// Built once, as toLocaleString would build a formatter for every number it prints.
const GROUPED = new Intl.NumberFormat('en-US');

export function wholeNumberText(value: number): string {
  return GROUPED.format(value);
}
