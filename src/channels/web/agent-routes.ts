import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AttachmentSchema } from '../../core/messages.ts';
import type { HandoffDesk } from '../../handoff/desk.ts';
import type { Actor } from '../../handoff/types.ts';
import { REMEDIES } from '../../nlu/types.ts';
import { agentOf } from './agent-auth.ts';
import { BODY_LIMIT, idOf, parseBody, sendResult } from './agent-http.ts';
import { sendError } from './http-errors.ts';

/** What the console's queue, case and approval routes need. */
export interface AgentRoutesOptions {
  desk: HandoffDesk;
  /** Longest agent reply or note, in characters. */
  maxReplyLength: number;
  /** Shown in the console next to waiting times; null when unset. */
  slaMinutes: number | null;
}

const Amount = z.number().positive().max(1_000_000);
const RemedyField = z.enum(REMEDIES);

function bodies(maxText: number) {
  const text = z
    .string()
    .trim()
    .min(1, 'write something first')
    .max(maxText, `at most ${maxText} characters`);
  return {
    reply: z.object({ text, attachments: z.array(AttachmentSchema).max(10).optional() }).strict(),
    note: z.object({ text }).strict(),
    handBack: z
      .object({
        outcome_note: z.string().trim().max(maxText).optional(),
        remedy: RemedyField.optional(),
        amount: Amount.optional(),
      })
      .strict(),
    resolve: z
      .object({ outcome_note: text, remedy: RemedyField.optional(), amount: Amount.optional() })
      .strict(),
    approval: z
      .object({
        amount: Amount,
        reason: text,
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
      })
      .strict(),
    decision: z.object({ approved: z.boolean(), comment: z.string().trim().max(maxText) }).strict(),
  };
}

/**
 * Adds the queue, the case file, the case actions (claim, release, reply, notes, hand-back, resolve,
 * approvals) and the supervisor's approval routes to the console scope. They sit behind the auth hook
 * in agent-auth.ts, so every request here has a logged-in agent.
 */
export function registerAgentRoutes(scope: FastifyInstance, options: AgentRoutesOptions): void {
  const { desk } = options;
  const schemas = bodies(options.maxReplyLength);

  scope.get('/agent/api/queue', async (request) => {
    desk.setPresence(agentOf(request).actor, true);
    return {
      entries: await desk.queue(),
      agents_online: desk.agentsOnline().map((a) => ({ id: a.id, name: a.name, via: a.via })),
      sla_minutes: options.slaMinutes,
    };
  });

  scope.get('/agent/api/cases/:id', async (request, reply) => {
    const id = idOf(request);
    const file = id ? await desk.caseFile(id) : null;
    if (!file) return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'No such case.');
    return file;
  });

  const caseAction = (
    path: string,
    run: (id: string, actor: Actor, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => {
    scope.post(`/agent/api/cases/:id/${path}`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const id = idOf(request);
      if (!id) return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'No such case.');
      return run(id, agentOf(request).actor, request, reply);
    });
  };

  caseAction('claim', async (id, actor, _request, reply) => sendResult(reply, await desk.claim(id, actor)));
  caseAction('release', async (id, actor, _request, reply) =>
    sendResult(reply, await desk.release(id, actor)),
  );
  caseAction('reply', async (id, actor, request, reply) => {
    const body = parseBody(schemas.reply, request, reply);
    if (!body) return reply;
    return sendResult(reply, await desk.reply(id, actor, body.text, body.attachments ?? []), 201);
  });
  caseAction('notes', async (id, actor, request, reply) => {
    const body = parseBody(schemas.note, request, reply);
    if (!body) return reply;
    return sendResult(reply, await desk.note(id, actor, body.text), 201);
  });
  caseAction('hand-back', async (id, actor, request, reply) => {
    const body = parseBody(schemas.handBack, request, reply);
    if (!body) return reply;
    return sendResult(
      reply,
      await desk.handBack(id, actor, {
        ...(body.outcome_note ? { outcome_note: body.outcome_note } : {}),
        ...(body.remedy ? { remedy: body.remedy } : {}),
        ...(body.amount !== undefined ? { amount: body.amount } : {}),
      }),
    );
  });
  caseAction('resolve', async (id, actor, request, reply) => {
    const body = parseBody(schemas.resolve, request, reply);
    if (!body) return reply;
    return sendResult(
      reply,
      await desk.resolve(id, actor, {
        outcome_note: body.outcome_note,
        ...(body.remedy ? { remedy: body.remedy } : {}),
        ...(body.amount !== undefined ? { amount: body.amount } : {}),
      }),
    );
  });
  caseAction('approvals', async (id, actor, request, reply) => {
    const body = parseBody(schemas.approval, request, reply);
    if (!body) return reply;
    return sendResult(
      reply,
      await desk.requestApproval(id, actor, {
        amount: body.amount,
        reason: body.reason,
        ...(body.currency ? { currency: body.currency } : {}),
      }),
      201,
    );
  });

  scope.get('/agent/api/approvals', async (request, reply) => {
    if (agentOf(request).actor.role !== 'supervisor') {
      return sendError(reply, 403, 'CALMDESK_FORBIDDEN', 'Only supervisors see approvals.');
    }
    return { approvals: await desk.pendingApprovals() };
  });

  scope.post('/agent/api/approvals/:id/decision', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const id = idOf(request);
    if (!id) return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'No such approval.');
    const body = parseBody(schemas.decision, request, reply);
    if (!body) return reply;
    return sendResult(reply, await desk.decideApproval(id, agentOf(request).actor, body));
  });
}
