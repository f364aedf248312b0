import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.ts';
import type { DeskFailure, DeskResult } from '../../handoff/types.ts';
import { sendError } from './http-errors.ts';

/** Requests to the console API are small JSON; anything larger is refused before parsing. */
export const BODY_LIMIT = 32 * 1024;

const FAILURE_STATUS: Record<DeskFailure['code'], { status: number; code: ErrorCode }> = {
  not_found: { status: 404, code: 'CALMDESK_NOT_FOUND' },
  already_claimed: { status: 409, code: 'CALMDESK_HANDOFF_CONFLICT' },
  not_holder: { status: 409, code: 'CALMDESK_HANDOFF_CONFLICT' },
  bad_status: { status: 409, code: 'CALMDESK_HANDOFF_CONFLICT' },
  already_decided: { status: 409, code: 'CALMDESK_HANDOFF_CONFLICT' },
  approval_required: { status: 409, code: 'CALMDESK_FORBIDDEN' },
  forbidden: { status: 403, code: 'CALMDESK_FORBIDDEN' },
  delivery_failed: { status: 502, code: 'CALMDESK_CHANNEL_FAILED' },
};

/** Answers a desk result: its value on success, else the failure mapped to an HTTP status and error code. */
export function sendResult<T>(reply: FastifyReply, result: DeskResult<T>, status = 200) {
  if (result.ok) return reply.code(status).send(result.value);
  const mapped = FAILURE_STATUS[result.code];
  return sendError(reply, mapped.status, mapped.code, result.message, {
    reason: result.code,
    ...(result.holder ? { holder: result.holder } : {}),
    ...(result.status ? { status: result.status } : {}),
  });
}

/** Validates a body; on failure answers 400 with what is wrong and returns null. */
export function parseBody<T>(schema: z.ZodType<T>, request: FastifyRequest, reply: FastifyReply): T | null {
  const parsed = schema.safeParse(request.body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const tooLong = issue?.code === 'too_big';
  void sendError(
    reply,
    400,
    tooLong ? 'CALMDESK_TEXT_TOO_LONG' : 'CALMDESK_BAD_REQUEST',
    `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    { details: z.treeifyError(parsed.error) },
  );
  return null;
}

const IdParams = z.object({ id: z.string().min(1).max(100) });

/** The `:id` route parameter, or null when it is missing or malformed. */
export function idOf(request: FastifyRequest): string | null {
  return IdParams.safeParse(request.params).data?.id ?? null;
}
