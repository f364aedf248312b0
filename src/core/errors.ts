/**
 * Every error calmdesk raises has a stable code and a sentence on how to fix it.
 * Expected outcomes (unknown intent, order not found, no agent online) are values, never errors.
 */
export const ERROR_CODES = {
  CALMDESK_CONFIG_INVALID: 'Fix the listed environment variables (see .env.example) and start again.',
  CALMDESK_BAD_CONVERSATION_ID:
    'Use "platform:chat[:thread]" with platform web|telegram|discord|console and parts of letters, digits, _ - .',
  CALMDESK_BAD_REQUEST: 'Send a JSON body that matches the documented schema.',
  CALMDESK_TEXT_TOO_LONG: 'Split the message into shorter ones.',
  CALMDESK_EMPTY_MESSAGE: 'Send some text or an attachment.',
  CALMDESK_BODY_TOO_LARGE: 'Send a smaller request body (see CALMDESK_MAX_BODY_BYTES).',
  CALMDESK_UNAVAILABLE:
    'The bot is stopping or its store failed; retry the same request (same message_id) shortly.',
  CALMDESK_INTERNAL:
    'Something broke inside calmdesk; the request can be retried, and the logs say what happened.',
  CALMDESK_STORE_CLOSED: 'The store was closed during shutdown; retry after the bot restarts.',
  CALMDESK_MIGRATION_FAILED:
    'The database file may be from a newer calmdesk; restore a backup or point CALMDESK_DB_PATH elsewhere.',
  CALMDESK_POLICY_INVALID:
    'Fix the listed fields of the policy file (see policy/default.yaml for every field documented).',
  CALMDESK_INTENTS_INVALID:
    'Fix the listed intents/*.yaml files: each needs name, description, zh and en example lists.',
  CALMDESK_MODEL_INVALID: 'Delete the cached model file; it is rebuilt from intents/ on the next start.',
  CALMDESK_ORDER_API_FAILED:
    'Check CALMDESK_ORDER_API_URL and CALMDESK_ORDER_API_TOKEN, and that the order API is reachable.',
  CALMDESK_CHANNEL_FAILED: 'Check the platform token and network; the message is kept and retried.',
  CALMDESK_HANDOFF_CONFLICT: 'Reload the queue: another agent changed this case first.',
  CALMDESK_NOT_FOUND: 'Check the id; it does not exist or is not yours.',
  CALMDESK_FORBIDDEN: 'Log in with an account whose role allows this.',
  CALMDESK_USAGE: 'Run the command with --help to see its usage.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CalmdeskError extends Error {
  readonly code: ErrorCode;
  readonly fix: string;
  override readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; fix?: string } = {}) {
    super(`${code}: ${message}`);
    this.name = 'CalmdeskError';
    this.code = code;
    this.fix = options.fix ?? ERROR_CODES[code];
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

export function isCalmdeskError(error: unknown, code?: ErrorCode): error is CalmdeskError {
  return error instanceof CalmdeskError && (code === undefined || error.code === code);
}
