/**
 * Answers one user's directory questions got a moment ago, kept for a short lifetime so that the
 * commands and clicks of one conversation do not read every organization again. Only slow-changing
 * reads go here (who the user is, their organizations and administrators, tenants, subscriptions);
 * roles and billing links, which the rules check before a change, are always read fresh.
 */
export class RecentReads {
  private readonly users = new Map<string, { readonly expiresAt: number; readonly answers: Map<string, Promise<unknown>> }>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxUsers = 1_000,
  ) {}

  /** The answer to `question` read for `user` within the lifetime, or a fresh read that is kept if it succeeds. */
  remember<T>(user: string, question: string, read: () => Promise<T>, keep: (answer: T) => boolean = () => true): Promise<T> {
    const answers = this.answersOf(user);
    const known = answers.get(question);
    if (known) return known as Promise<T>;
    const fresh = read();
    answers.set(question, fresh);
    // A failed or partial answer is not kept: the next command asks again.
    fresh.then((answer) => {
      if (!keep(answer)) answers.delete(question);
    }, () => answers.delete(question));
    return fresh;
  }

  /** Forgets the user's answers, after a change that makes them stale. */
  forget(user: string): void {
    this.users.delete(user);
  }

  private answersOf(user: string): Map<string, Promise<unknown>> {
    const now = this.now();
    const entry = this.users.get(user);
    if (entry && entry.expiresAt > now) return entry.answers;
    this.users.delete(user);
    if (this.users.size >= this.maxUsers) this.dropExpiredOrOldest(now);
    const fresh = { expiresAt: now + this.lifetimeMs, answers: new Map<string, Promise<unknown>>() };
    this.users.set(user, fresh);
    return fresh.answers;
  }

  private dropExpiredOrOldest(now: number): void {
    for (const [user, entry] of this.users) if (entry.expiresAt <= now) this.users.delete(user);
    const oldest = this.users.keys().next();
    if (this.users.size >= this.maxUsers && !oldest.done) this.users.delete(oldest.value);
  }
}
