/**
 * A group of use cases behind one object for the Teams layer: each use case is a function of its
 * context and the caller's input, and the group hands every one of them the same context, built once.
 * A new use case is one more entry in its group's table, not one more method that passes it along.
 */

/** A use case: its context first, then what the caller gives. */
type UseCase<C> = (context: C, ...input: never[]) => unknown;

/** The use cases of `T`, each with its context already given. */
export type UseCaseGroup<C, T extends Readonly<Record<string, UseCase<C>>>> = {
  readonly [K in keyof T]: T[K] extends (context: C, ...input: infer Input) => infer Result ? (...input: Input) => Result : never;
} & {
  /** What every use case of the group is given (its flow engine included, for "cancel"). */
  readonly context: C;
};

export function useCaseGroup<C, T extends Readonly<Record<string, UseCase<C>>>>(context: C, useCases: T): UseCaseGroup<C, T> {
  const bound: Record<string, unknown> = { context };
  for (const [name, useCase] of Object.entries(useCases)) {
    // Each entry was checked against UseCase<C> above, so it takes the context and then its own input.
    const run = useCase as (context: C, ...input: unknown[]) => unknown;
    bound[name] = (...input: unknown[]) => run(context, ...input);
  }
  return bound as UseCaseGroup<C, T>;
}
