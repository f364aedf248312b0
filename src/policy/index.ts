export { evaluatePolicy, excludedCategory, type PolicyQuestion, type PolicyVerdict } from './evaluate.ts';
export { DEFAULT_POLICY_PATH, defaultPolicy, loadPolicy, parsePolicy } from './load.ts';
export { HANDOFF_REASONS, type HandoffReason, type Party, type Policy, PolicySchema } from './schema.ts';
