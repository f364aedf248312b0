import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';

/** Answers `{ error: { code, message, ...extra } }` with the given HTTP status. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  extra: object = {},
) {
  return reply.code(status).send({ error: { code, message, ...extra } });
}

/** What a JSON API answers when Fastify refuses a request before a route sees it, or a route throws. */
export interface RefusalWords {
  /** A body over the API's limit (413). */
  tooLarge: { code: ErrorCode; message: string };
  /** Put before Fastify's own message for any other 4xx. */
  invalidPrefix: string;
  /** The sentence of a 500. */
  internal: string;
  /** The log line of a 500. */
  logMessage: string;
}

/**
 * The error handler of calmdesk's JSON APIs (the web chat and the agent console): every refusal is a
 * `{ error: { code, message } }` with a sentence on what to do, and only our own failures are logged.
 */
export function jsonErrorHandler(logger: Logger, words: RefusalWords) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, words.tooLarge.code, words.tooLarge.message);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 415, 'CALMDESK_BAD_REQUEST', 'Send the body as application/json.');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(
        reply,
        error.statusCode,
        'CALMDESK_BAD_REQUEST',
        `${words.invalidPrefix}${error.message}`,
      );
    }
    logger.error({ err: error }, words.logMessage);
    return sendError(reply, 500, 'CALMDESK_INTERNAL', words.internal);
  };
}
