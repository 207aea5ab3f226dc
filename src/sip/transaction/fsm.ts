/** One row entry of a state-by-event table: where to go and what to do, in order. */
export interface Transition<S extends string, A extends string> {
  readonly next: S;
  readonly actions: readonly A[];
}

/**
 * A state machine as data: `table[state][event]`. A missing entry means the event is ignored in
 * that state (absorbed), which is how RFC 3261 §17 describes most stray inputs.
 */
export type FsmTable<S extends string, E extends string, A extends string> = {
  readonly [state in S]: { readonly [event in E]?: Transition<S, A> };
};

/** Shorthand for writing a transition in a table. */
export function go<S extends string, A extends string>(next: S, ...actions: A[]): Transition<S, A> {
  return Object.freeze({ next, actions: Object.freeze(actions) });
}
