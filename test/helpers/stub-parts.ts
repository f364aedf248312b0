import type { Analyzer } from '../../src/core/pipeline.ts';
import type { DecideInput, Decision, DialogueState } from '../../src/dialogue/types.ts';
import type { Analysis } from '../../src/nlu/types.ts';

/**
 * Minimal stand-ins for the NLU and the dialogue, for tests and benchmarks of the pipeline and storage
 * alone. The echo dialogue numbers its turns, so tests can see order and state survive.
 */
export const echoAnalyzer: Analyzer = {
  analyze(text): Analysis {
    return {
      intent: 'out_of_scope',
      confidence: 1,
      ranking: [{ intent: 'out_of_scope', confidence: 1 }],
      language: /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en',
      entities: [],
      anger: 0,
      threats: [],
      slots: {},
      escalate: false,
      escalation_reasons: [],
      truncated: false,
    };
  },
};

export function echoDecide(input: DecideInput): Decision {
  const turn = ((input.state?.turn as number | undefined) ?? 0) + 1;
  const state: DialogueState = { version: 1, step: 'listen', turn };
  return {
    state,
    replies: [{ text: `#${turn} ${input.message.text}` }],
    events: [],
    handoff: null,
    promises: [],
    trace: { intent: input.analysis.intent, step: 'listen', remedies_offered: [], policy_rule: null },
  };
}
