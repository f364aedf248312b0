import { decide } from '../../src/dialogue/index.ts';
import type { Decision, DialogueState } from '../../src/dialogue/types.ts';
import { type Turn, turn } from './fixtures.ts';

/** A conversation: each call is one buyer turn, the state carried over. */
export function chat(initial: DialogueState | null = null) {
  let state = initial;
  const say = (t: Turn): Decision => {
    const d = turn(state, t, decide);
    state = d.state;
    return d;
  };
  return { say, state: () => state };
}

/** The replies of a decision, joined as the buyer reads them. */
export const text = (d: Decision) => d.replies.map((r) => r.text).join('\n');

/** The types of the events a decision records. */
export const eventTypes = (d: Decision) => d.events.map((e) => e.type);
