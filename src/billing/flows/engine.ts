import type { Caller } from '../../domain/caller';
import type { DirectoryUser } from '../../domain/directory';
import { Refused, success, type Outcome, type Problem } from '../../domain/outcome';
import type { DirectoryPort } from '../../domain/ports/directory';
import type { FlowReader, FlowRepository, ReadTransaction, Store, StoredFlow, Transaction } from '../../domain/ports/store';
import { directoryUserOf, mutation, unknownCaller } from '../serviceSupport';
import type { FlowLimits, UserRateLimit } from './userRateLimit';
import { FLOW_PRUNE_INTERVAL_MS, FINISHED_FLOW_RETENTION_MS, progressProblem, type FlowProgress } from './progress';

/** What the engine keeps of every flow, whatever it is for. */
export type EngineFlow = StoredFlow & FlowProgress & { readonly createdAt: string };

/** One family of flows: where they are kept, and the command that starts one again. */
export interface FlowFamily<F extends EngineFlow> {
  readonly name: string;
  readonly read: (tx: ReadTransaction) => FlowReader<F>;
  readonly write: (tx: Transaction) => FlowRepository<F>;
  /** What the user types to start such a flow again, for the flow given or, without one, any. */
  readonly restart: (flow: F | undefined) => string;
  /** Which flows are the same kind: a person has at most one of each kind open, the newest. */
  readonly kindOf: (flow: F) => string;
}

export interface FlowEngineDeps {
  readonly store: Store;
  readonly flowTtlMs: number;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly reportError: (error: unknown) => void;
  /**
   * Whether this instance sweeps ended flows away. Several instances on one store elect one to do
   * it (the one that delivers notifications), so that the sweep runs once, not once per instance.
   */
  readonly sweepsHere?: () => boolean;
  /** Per-person limits on starts and clicks, shared by every engine; none when absent. */
  readonly limits?: FlowLimits;
}

/** The fields a new flow starts with: everything but what the engine fills in. */
export type NewFlow<F extends EngineFlow> = Omit<F, 'id' | 'ownerId' | 'tenantId' | 'conversationId' | 'createdAt' | 'expiresAt' | 'status'>;

/**
 * The life of a card flow, once for every kind (set up, change and remove billing, buy, add and
 * remove a manager): opened for one person in one tenant and one conversation, moved on only by
 * them, there, while it is open and not expired, and kept alive by each step; cancelled one at a
 * time or all at once; ended flows swept a day later. Every check runs again inside the write that
 * moves the flow, so a click that raced another is answered from what was saved.
 */
export class FlowEngine<F extends EngineFlow> {
  private sweptAt: number | undefined;

  constructor(
    private readonly deps: FlowEngineDeps,
    readonly family: FlowFamily<F>,
  ) {}

  /**
   * Counts a start by `caller`, before anything is read for it (the directory may be a remote
   * service); the refusal when they started too many flows in the last minute. `restart` is what
   * they typed, for the message.
   */
  admitStart(caller: Caller, restart: string): Outcome<void> {
    const limited = this.overLimit(this.deps.limits?.starts, caller, this.deps.now(), (count, seconds) =>
      `You started ${count} billing tasks in the last minute, which is the most I accept from one person. Wait ${seconds} seconds, then type "${restart}" again. Nothing was changed.`);
    return limited ? { ok: false, problem: limited } : success(undefined);
  }

  /**
   * Saves a new open flow for `user`, in place of their open flow of the same kind (which ends as
   * replaced), sweeping away flows nobody will click any more.
   */
  async open(caller: Caller, user: DirectoryUser, fields: NewFlow<F>): Promise<Outcome<F>> {
    const now = this.deps.now();
    const flow = {
      ...fields,
      id: this.deps.newId(),
      ownerId: user.id,
      tenantId: user.tenantId,
      conversationId: caller.conversationId,
      createdAt: now.toISOString(),
      expiresAt: this.expiry(now),
      status: 'open',
    } as F;
    const stale = await this.staleFlows(now);
    return mutation(
      () =>
        this.deps.store.transaction(async (tx) => {
          const flows = this.family.write(tx);
          for (const id of stale) await flows.delete(id);
          const kind = this.family.kindOf(flow);
          for (const old of await flows.listOpenOf(user.id)) {
            // An expired card already says so; only one that could still be used is replaced.
            if (old.tenantId === user.tenantId && this.family.kindOf(old) === kind && Date.parse(old.expiresAt) >= now.getTime()) await this.finishIn(tx, old, 'replaced');
          }
          await flows.put(flow);
          return flow;
        }),
      this.deps.reportError,
    );
  }

  /** The flow and the caller, when the caller may act on it now; the refusal that says why not otherwise. */
  async load(directory: DirectoryPort, caller: Caller, flowId: string): Promise<Outcome<{ readonly flow: F; readonly user: DirectoryUser }>> {
    const limited = this.overLimit(this.deps.limits?.clicks, caller, this.deps.now(), (count, seconds) =>
      `You pressed ${count} buttons in the last minute, which is the most I accept from one person. Wait ${seconds} seconds, then press it again. Nothing was changed.`);
    if (limited) return { ok: false, problem: limited };
    const flow = await this.deps.store.read((tx) => this.family.read(tx).get(flowId));
    const ownerName = flow ? ((await directory.getUser(flow.ownerId))?.displayName ?? 'someone else') : '';
    const problem = this.problem(flow, caller, ownerName);
    if (problem) return { ok: false, problem };
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    return success({ flow: flow as F, user });
  }

  /** Moves an open flow a step on (and keeps it alive), re-checking it inside the write. */
  advance(caller: Caller, flowId: string, change: (flow: F) => F = (flow) => flow): Promise<Outcome<F>> {
    return mutation(
      () =>
        this.deps.store.transaction(async (tx) => {
          const current = await this.openIn(tx, caller, flowId);
          const moved = { ...change({ ...current }), expiresAt: this.expiry(this.deps.now()) };
          await this.family.write(tx).put(moved);
          return moved;
        }),
      this.deps.reportError,
    );
  }

  /**
   * Inside a use case's own transaction: the flow, re-checked as it is at the moment of writing.
   * @throws Refused when the caller may not act on it any more; the transaction then writes nothing.
   */
  async openIn(tx: Transaction, caller: Caller, flowId: string, ownerName = ''): Promise<F> {
    const flow = await this.family.write(tx).get(flowId);
    // Another tenant's claim to the same object id is somebody else (load() refuses it earlier, as
    // an unknown caller, through the directory; this holds inside the write whatever came before).
    const claimed = flow && caller.tenantId !== undefined && flow.tenantId !== caller.tenantId ? { ...flow, ownerId: '' } : flow;
    const problem = this.problem(claimed, caller, ownerName);
    if (problem) throw new Refused(problem);
    return flow as F;
  }

  /** Inside a use case's transaction: ends the flow, remembering what it did for a late second click. */
  async finishIn(tx: Transaction, flow: F, status: 'completed' | 'cancelled' | 'replaced', outcome?: string): Promise<F> {
    const done = { ...flow, status, finishedAt: this.deps.now().toISOString(), ...(outcome ? { outcome } : {}) };
    await this.family.write(tx).put(done);
    return done;
  }

  /** Ends the flow (completed or cancelled) after re-checking it. */
  finish(caller: Caller, flowId: string, status: 'completed' | 'cancelled', outcome?: string): Promise<Outcome<F>> {
    return mutation(
      () => this.deps.store.transaction(async (tx) => this.finishIn(tx, await this.openIn(tx, caller, flowId), status, outcome)),
      this.deps.reportError,
    );
  }

  /** Cancels one flow from its card. */
  async cancel(directory: DirectoryPort, caller: Caller, flowId: string): Promise<Outcome<F>> {
    const checked = await this.load(directory, caller, flowId);
    if (!checked.ok) return checked;
    return this.finish(caller, flowId, 'cancelled');
  }

  /** Inside a transaction: cancels every open flow of the caller in this conversation and tenant; returns how many. */
  async cancelAllIn(tx: Transaction, caller: Caller): Promise<number> {
    const now = this.deps.now();
    const flows = this.family.write(tx);
    const open = (await flows.listOpenOf(caller.userId)).filter((flow) => belongsHere(flow, caller) && Date.parse(flow.expiresAt) >= now.getTime());
    for (const flow of open) await this.finishIn(tx, flow, 'cancelled');
    return open.length;
  }

  /** The refusal when `limit` allows `caller` nothing more now; the request is counted otherwise. */
  private overLimit(limit: UserRateLimit | undefined, caller: Caller, now: Date, message: (count: number, seconds: number) => string): Problem | undefined {
    if (!limit) return undefined;
    const decision = limit.take(`${caller.tenantId ?? ''}/${caller.userId}`, now.getTime());
    if (decision.allowed) return undefined;
    return { code: 'too-many-requests', message: message(decision.count, Math.ceil(decision.waitMs / 1000)) };
  }

  private problem(flow: F | undefined, caller: Caller, ownerName: string): Problem | undefined {
    const restart = this.family.restart(flow);
    const problem = progressProblem(flow, caller, this.deps.now(), ownerName || 'someone else', restart);
    if (problem || !flow) return problem;
    if (flow.conversationId !== caller.conversationId) {
      // A card copied or forged into another conversation: nothing of the flow is shown there.
      return { code: 'flow-elsewhere', message: `This card belongs to another conversation. Continue where you started it, in your personal chat with me, or type "${restart}" there to start again.` };
    }
    return undefined;
  }

  /** Flows that ended a day ago, looked for at most once a minute, from committed state. */
  private async staleFlows(now: Date): Promise<string[]> {
    if (this.deps.sweepsHere && !this.deps.sweepsHere()) return [];
    if (this.sweptAt !== undefined && now.getTime() - this.sweptAt < FLOW_PRUNE_INTERVAL_MS) return [];
    this.sweptAt = now.getTime();
    const cutoff = new Date(now.getTime() - FINISHED_FLOW_RETENTION_MS);
    const ended = await this.deps.store.read((tx) => this.family.read(tx).listEndedBefore(cutoff));
    return ended.map((flow) => flow.id);
  }

  private expiry(now: Date): string {
    return new Date(now.getTime() + this.deps.flowTtlMs).toISOString();
  }
}

function belongsHere(flow: StoredFlow, caller: Caller): boolean {
  return flow.conversationId === caller.conversationId && (caller.tenantId === undefined || flow.tenantId === caller.tenantId);
}
