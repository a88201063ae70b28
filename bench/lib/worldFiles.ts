import type { Flow } from '../../src/domain/model';
import { startChild } from './child';
import { World, type BenchUser, type ConfirmableFlow, type WorldShape } from './world';

/** What to generate, and where: the parent and the generator agree on it through this shape. */
export interface WorldRequest {
  readonly shape: WorldShape;
  readonly directoryFile: string;
  /** False when the directory file of this world is already written. */
  readonly writeDirectory: boolean;
  readonly stateFile: string;
  /** The stand-in Bot Connector's address, which the stored conversation references carry. */
  readonly serviceUrl: string;
  /** ISO time the flows are created at. */
  readonly at: string;
  /** Users that run set-up steps; each gets one flow per step in the state. */
  readonly benchUsers: number;
  /** Flows at their confirmation step. */
  readonly confirmFlows: number;
}

/** The users and flows a run can act on in a generated state. */
export interface BenchPlan {
  readonly users: readonly BenchUser[];
  /** Per user: an open set-up flow with nothing picked yet. */
  readonly organizationStepFlows: readonly string[];
  /** Per user: an open set-up flow whose organization is picked. */
  readonly subscriptionStepFlows: readonly string[];
  readonly confirmable: readonly ConfirmableFlow[];
}

export function benchPlan(world: World, request: Pick<WorldRequest, 'benchUsers' | 'confirmFlows' | 'at'>): BenchPlan {
  const users = world.setupUsers(request.benchUsers);
  return {
    users,
    organizationStepFlows: users.map((u) => `bench-organization-step-${u.index}`),
    subscriptionStepFlows: users.map((u) => `bench-subscription-step-${u.index}`),
    confirmable: world.confirmableFlows(request.confirmFlows, new Date(request.at)).confirmable,
  };
}

/** The flows the state must hold for `benchPlan` to be true. */
export function benchFlows(world: World, request: WorldRequest, at: Date): Flow[] {
  const plan = benchPlan(world, request);
  const flows: Flow[] = [];
  plan.users.forEach((user, i) => {
    flows.push(world.openFlow(user, plan.organizationStepFlows[i] ?? '', at));
    flows.push({ ...world.openFlow(user, plan.subscriptionStepFlows[i] ?? '', at), organizationId: user.organizationId });
  });
  flows.push(...world.confirmableFlows(request.confirmFlows, at).flows);
  return flows;
}

/** Writes the world's files with this build's generator, or with that of the checkout `build` names. */
export async function generateWorld(request: WorldRequest, build?: string): Promise<{ generatedMs: number; firstOpenMs: number }> {
  const child = await startChild('generateWorld', { ...request }, 600_000, build);
  await child.stop();
  return { generatedMs: Number(child.ready.generatedMs), firstOpenMs: Number(child.ready.firstOpenMs) };
}

export function parseWorldRequest(options: Readonly<Record<string, unknown>>): WorldRequest {
  const shape = options.shape as Partial<WorldShape> | undefined;
  if (
    typeof options.directoryFile !== 'string' ||
    typeof options.stateFile !== 'string' ||
    typeof options.writeDirectory !== 'boolean' ||
    typeof options.serviceUrl !== 'string' ||
    typeof options.at !== 'string' ||
    typeof options.benchUsers !== 'number' ||
    typeof options.confirmFlows !== 'number' ||
    typeof shape?.organizations !== 'number' ||
    typeof shape.linked !== 'boolean' ||
    typeof shape.auditPerLink !== 'number' ||
    typeof shape.references !== 'number'
  ) {
    throw new Error(`Not a world request: ${JSON.stringify(options).slice(0, 200)}`);
  }
  return {
    shape: { organizations: shape.organizations, linked: shape.linked, auditPerLink: shape.auditPerLink, references: shape.references },
    directoryFile: options.directoryFile,
    writeDirectory: options.writeDirectory,
    stateFile: options.stateFile,
    serviceUrl: options.serviceUrl,
    at: options.at,
    benchUsers: options.benchUsers,
    confirmFlows: options.confirmFlows,
  };
}
