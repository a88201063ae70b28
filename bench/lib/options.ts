import path from 'node:path';

/** What one `npm run bench` does; every field can be set on the command line as --name=value. */
export interface BenchOptions {
  readonly smoke: boolean;
  readonly phases: readonly Phase[];
  /** Seconds of each measured run, and of the unmeasured warm-up before it. */
  readonly durationSec: number;
  readonly warmupSec: number;
  /** How many times each turn measurement is repeated (interleaved with the baseline). */
  readonly rounds: number;
  readonly connections: readonly number[];
  /** Connection counts of the turns on the Azure Table store (phase "stores"). */
  readonly storeConnections: readonly number[];
  /** The turns measured on the Azure Table store; all but the confirmation when empty. */
  readonly storeTurns: readonly string[];
  /** Organizations in the state-growth worlds: start-up (against the twin's), link operations, compaction. */
  readonly sizes: readonly number[];
  readonly growthConnections: readonly number[];
  readonly growthRounds: number;
  /** Conversation references in every state-growth world. */
  readonly references: number;
  /** Organizations in the world of the turn measurements, whose state starts empty. */
  readonly freshOrganizations: number;
  /** Users the load generator impersonates. */
  readonly benchUsers: number;
  readonly linkOperations: number;
  readonly linkOperationSeconds: number;
  readonly startups: number;
  /** Billing managers told of one change in the fan-out phase. */
  readonly fanoutRecipients: number;
  /** Organizations of the user whose `status` the azure phase measures, and the emulator's delay per call. */
  readonly azureOrganizations: number;
  readonly azureLatencyMs: number;
  /** The bot's limit of Azure calls under way at once for one command's directory reads; 0 keeps the product's default (128). */
  readonly azureCallsAtOnce: number;
  /** Where the JSON results go; empty means bench/results/<timestamp>.json. */
  readonly out: string;
  /**
   * Another built checkout of the product (its root, holding dist/): each block also measures its
   * flow.confirm, beside this build's and against the same echo runs. Empty: this build only.
   */
  readonly compareBuild: string;
}

export type Phase = 'turns' | 'stores' | 'growth' | 'fanout' | 'azure';
const PHASES: readonly Phase[] = ['turns', 'stores', 'growth', 'fanout', 'azure'];

const FULL: BenchOptions = {
  smoke: false,
  phases: PHASES,
  durationSec: 3,
  warmupSec: 1,
  rounds: 2,
  connections: [1, 10, 50],
  storeConnections: [10],
  storeTurns: [],
  // The start-up targets are at 10,000 and 100,000 organizations; --sizes=1000,10000,100000 adds the smallest.
  sizes: [10_000, 100_000],
  // Turns in the grown worlds are not a target (they measured flat from 1k to 100k): --growthConnections=10 adds them.
  growthConnections: [],
  growthRounds: 1,
  references: 100_000,
  freshOrganizations: 4_000,
  benchUsers: 50,
  linkOperations: 200,
  linkOperationSeconds: 20,
  startups: 5,
  fanoutRecipients: 1_000,
  azureOrganizations: 200,
  azureLatencyMs: 150,
  azureCallsAtOnce: 0,
  out: '',
  compareBuild: '',
};

/** Every part runs, briefly, on tiny worlds: proof that the benchmark still works, not a measurement. */
const SMOKE: BenchOptions = {
  ...FULL,
  smoke: true,
  durationSec: 0.5,
  warmupSec: 0.2,
  rounds: 1,
  connections: [2],
  storeConnections: [2],
  storeTurns: ['status', 'flow.subscription'],
  sizes: [300],
  // The turn runs in grown worlds use the same code as the turn phase, which the smoke run covers.
  growthConnections: [],
  references: 1_000,
  freshOrganizations: 300,
  benchUsers: 10,
  linkOperations: 6,
  linkOperationSeconds: 10,
  startups: 1,
  fanoutRecipients: 20,
  azureOrganizations: 12,
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Parsers = { readonly [K in keyof BenchOptions]: (raw: string, name: string) => BenchOptions[K] };

const PARSERS: Parsers = {
  smoke: (raw) => raw === 'true',
  phases: (raw) => list(raw).map(phase),
  durationSec: positiveNumber,
  warmupSec: positiveNumber,
  rounds: positiveNumber,
  connections: numbers,
  storeConnections: numbers,
  storeTurns: (raw) => list(raw),
  sizes: numbers,
  growthConnections: numbers,
  growthRounds: positiveNumber,
  references: positiveNumber,
  freshOrganizations: positiveNumber,
  benchUsers: positiveNumber,
  linkOperations: positiveNumber,
  linkOperationSeconds: positiveNumber,
  startups: positiveNumber,
  fanoutRecipients: positiveNumber,
  azureOrganizations: positiveNumber,
  azureLatencyMs: positiveNumber,
  azureCallsAtOnce: (raw, name) => (raw === '0' ? 0 : positiveNumber(raw, name)),
  out: (raw) => raw,
  compareBuild: (raw) => (raw === '' ? '' : path.resolve(raw)),
};

export function parseOptions(argv: readonly string[]): BenchOptions {
  const given = new Map<string, string>();
  for (const argument of argv) {
    const match = /^--([a-zA-Z]+)(?:=(.*))?$/.exec(argument);
    if (!match?.[1]) throw new Error(`Unknown argument "${argument}". Use --name=value, for example --durationSec=5 or --sizes=1000,10000.`);
    given.set(match[1], match[2] ?? 'true');
  }
  const options: Mutable<BenchOptions> = { ...(given.get('smoke') === 'true' ? SMOKE : FULL) };
  for (const [name, raw] of given) {
    if (!isOption(name)) throw new Error(`Unknown option --${name}. Known: ${Object.keys(PARSERS).join(', ')}.`);
    assign(options, name, raw);
  }
  return options;
}

function isOption(name: string): name is keyof BenchOptions {
  return Object.prototype.hasOwnProperty.call(PARSERS, name);
}

function assign<K extends keyof BenchOptions>(options: Mutable<BenchOptions>, name: K, raw: string): void {
  options[name] = PARSERS[name](raw, name);
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function numbers(raw: string, name: string): number[] {
  return list(raw).map((item) => positiveNumber(item, name));
}

function phase(raw: string): Phase {
  const found = PHASES.find((p) => p === raw);
  if (!found) throw new Error(`Unknown phase "${raw}"; the phases are ${PHASES.join(', ')}.`);
  return found;
}

function positiveNumber(raw: string, name: string): number {
  const value = Number(raw.replace(/_/g, '').replace(/k$/i, '000'));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, not "${raw}".`);
  return value;
}
