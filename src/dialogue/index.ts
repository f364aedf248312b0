export { decide } from './decide.ts';
export { type FollowUpResult, followUp, promiseDone } from './follow-up.ts';
export { renderHandoffNotice, resume } from './resume.ts';
export { type CaseState, CaseStateSchema, STATE_VERSION } from './state.ts';
export type * from './types.ts';
