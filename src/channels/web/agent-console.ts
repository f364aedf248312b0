import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { AttachmentSchema } from '../../core/messages.ts';
import type { DeskEvent, HandoffDesk } from '../../handoff/desk.ts';
import { dummyHash, newToken, sameSecret, tokenHash, verifyPassword } from '../../handoff/passwords.ts';
import type { AgentAccount, AgentRepo, AgentSession } from '../../handoff/ports.ts';
import type { Actor, DeskFailure, DeskResult } from '../../handoff/types.ts';
import { REMEDIES } from '../../nlu/types.ts';

/**
 * The web agent console at /agent: a static page and a JSON API under /agent/api/*. Agents log in with a
 * password (scrypt); the session lives in the store behind an httpOnly, SameSite=Strict cookie; every
 * state-changing request carries the session's CSRF token in `x-csrf-token`. The page builds its DOM with
 * textContent only and is served with a strict Content-Security-Policy, so buyer text is always text.
 */
export interface AgentConsoleDeps {
  desk: HandoffDesk;
  agents: AgentRepo;
  clock: () => Date;
  logger: Logger;
  /** Idle minutes before a session expires; every request slides it (default 480). */
  sessionMinutes?: number;
  /** Longest agent reply or note, in characters (default 4000). */
  maxReplyLength?: number;
  /** Mark the cookie Secure (behind HTTPS). Default false, so the console works on http://localhost. */
  secureCookies?: boolean;
  /** Shown in the console next to waiting times. */
  slaMinutes?: number;
}

const AGENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'agent');
const COOKIE = 'calmdesk_agent';
const CSRF_HEADER = 'x-csrf-token';
/** Requests to the console API are small JSON; anything larger is refused before parsing. */
const BODY_LIMIT = 32 * 1024;

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const CONSOLE_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const LoginBody = z
  .object({ name: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();
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

const IdParams = z.object({ id: z.string().min(1).max(100) });

interface Authed {
  account: AgentAccount;
  session: AgentSession;
  actor: Actor;
  token: string;
}

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

function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: object = {}) {
  return reply.code(status).send({ error: { code, message, ...extra } });
}

function sendResult<T>(reply: FastifyReply, result: DeskResult<T>, status = 200) {
  if (result.ok) return reply.code(status).send(result.value);
  const mapped = FAILURE_STATUS[result.code];
  return sendError(reply, mapped.status, mapped.code, result.message, {
    reason: result.code,
    ...(result.holder ? { holder: result.holder } : {}),
    ...(result.status ? { status: result.status } : {}),
  });
}

function readCookie(request: FastifyRequest, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return null;
}

/** Mounts the console on the web server (the lead's server calls this as one of its plugins). */
export async function registerAgentConsole(app: FastifyInstance, deps: AgentConsoleDeps): Promise<void> {
  const { desk, agents, clock, logger } = deps;
  const sessionMs = (deps.sessionMinutes ?? 480) * 60_000;
  const schemas = bodies(deps.maxReplyLength ?? 4000);
  const files = {
    html: readFileSync(join(AGENT_DIR, 'index.html')),
    js: readFileSync(join(AGENT_DIR, 'console.js')),
    css: readFileSync(join(AGENT_DIR, 'console.css')),
  };
  const streams = new Map<ServerResponse, Actor>();
  const failedLogins = new Map<string, { count: number; since: number }>();

  function cookie(value: string, maxAgeSeconds: number): string {
    return [
      `${COOKIE}=${value}`,
      'Path=/agent',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAgeSeconds}`,
      ...(deps.secureCookies ? ['Secure'] : []),
    ].join('; ');
  }

  /** The logged-in agent of this request, with the session slid forward; null when not logged in. */
  async function authenticate(request: FastifyRequest): Promise<Authed | null> {
    const token = readCookie(request, COOKIE);
    if (!token || token.length > 200) return null;
    const now = clock();
    const hash = tokenHash(token);
    const session = await agents.session(hash, now);
    if (!session) return null;
    const account = await agents.byId(session.agent_id);
    if (!account || account.disabled) return null;
    await agents.touchSession(hash, new Date(now.getTime() + sessionMs), now);
    return {
      account,
      session,
      token,
      actor: { id: account.id, name: account.name, role: account.role, via: 'web' },
    };
  }

  /** Lets too many wrong passwords for one name wait (5 per 15 minutes). */
  function throttled(name: string): boolean {
    const entry = failedLogins.get(name.toLowerCase());
    if (!entry) return false;
    if (clock().getTime() - entry.since > 15 * 60_000) {
      failedLogins.delete(name.toLowerCase());
      return false;
    }
    return entry.count >= 5;
  }

  function loginFailed(name: string): void {
    const key = name.toLowerCase();
    const entry = failedLogins.get(key) ?? { count: 0, since: clock().getTime() };
    entry.count += 1;
    failedLogins.set(key, entry);
  }

  await app.register(async (scope) => {
    scope.decorateRequest('agent', null);

    scope.addHook('onSend', async (_request, reply) => {
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) reply.header(name, value);
    });

    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendError(
          reply,
          413,
          'CALMDESK_TEXT_TOO_LONG',
          `The request is over ${BODY_LIMIT} bytes; send a shorter message.`,
        );
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return sendError(reply, 415, 'CALMDESK_BAD_REQUEST', 'Send the body as application/json.');
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return sendError(
          reply,
          error.statusCode,
          'CALMDESK_BAD_REQUEST',
          `The request is not valid: ${error.message}`,
        );
      }
      logger.error({ err: error }, 'agent console request failed');
      return sendError(reply, 500, 'CALMDESK_INTERNAL', 'Something went wrong on our side; try again.');
    });

    const page = (body: Buffer, type: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.type(type).send(body);
    scope.get('/agent', page(files.html, 'text/html; charset=utf-8'));
    scope.get('/agent/console.js', page(files.js, 'text/javascript; charset=utf-8'));
    scope.get('/agent/console.css', page(files.css, 'text/css; charset=utf-8'));

    scope.post('/agent/api/login', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const parsed = LoginBody.safeParse(request.body);
      if (!parsed.success) {
        return sendError(reply, 400, 'CALMDESK_BAD_REQUEST', 'Send {"name": string, "password": string}.');
      }
      const { name, password } = parsed.data;
      if (throttled(name)) {
        return sendError(reply, 429, 'CALMDESK_FORBIDDEN', 'Too many wrong passwords; wait 15 minutes.');
      }
      const account = await agents.byName(name);
      // Verify against a dummy hash for unknown names: the answer takes as long either way.
      const valid = await verifyPassword(password, account?.password_hash ?? (await dummyHash()));
      if (!account || !valid || account.disabled) {
        loginFailed(name);
        return sendError(reply, 401, 'CALMDESK_FORBIDDEN', 'Wrong name or password.');
      }
      failedLogins.delete(name.toLowerCase());
      const now = clock();
      const token = newToken();
      const csrf = newToken();
      await agents.deleteExpiredSessions(now);
      await agents.createSession({
        token_hash: tokenHash(token),
        agent_id: account.id,
        csrf_token: csrf,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + sessionMs).toISOString(),
        last_seen_at: now.toISOString(),
      });
      reply.header('set-cookie', cookie(token, Math.floor(sessionMs / 1000)));
      return { agent: { id: account.id, name: account.name, role: account.role }, csrf_token: csrf };
    });

    // Every other API route needs a session; every change also needs the session's CSRF token.
    scope.addHook('preHandler', async (request, reply) => {
      if (!request.url.startsWith('/agent/api/') || request.url.startsWith('/agent/api/login')) return;
      const authed = await authenticate(request);
      if (!authed) {
        return sendError(reply, 401, 'CALMDESK_FORBIDDEN', 'Your session has ended; log in again.');
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const header = request.headers[CSRF_HEADER];
        if (typeof header !== 'string' || !sameSecret(header, authed.session.csrf_token)) {
          return sendError(
            reply,
            403,
            'CALMDESK_FORBIDDEN',
            'The CSRF token is missing or wrong; reload the page.',
          );
        }
      }
      (request as FastifyRequest & { agent: Authed | null }).agent = authed;
    });

    const who = (request: FastifyRequest): Authed => (request as FastifyRequest & { agent: Authed }).agent;
    const idOf = (request: FastifyRequest): string | null =>
      IdParams.safeParse(request.params).data?.id ?? null;

    /** Validates a body; on failure answers 400 with what is wrong and returns null. */
    function parse<T>(schema: z.ZodType<T>, request: FastifyRequest, reply: FastifyReply): T | null {
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

    scope.post('/agent/api/logout', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const { session, actor } = who(request);
      await agents.deleteSession(session.token_hash);
      if (![...streams.values()].some((a) => a.id === actor.id)) desk.setPresence(actor, false);
      reply.header('set-cookie', cookie('', 0));
      return { ok: true };
    });

    scope.get('/agent/api/me', async (request) => {
      const { account, session } = who(request);
      return {
        agent: { id: account.id, name: account.name, role: account.role },
        csrf_token: session.csrf_token,
      };
    });

    scope.get('/agent/api/queue', async (request) => {
      desk.setPresence(who(request).actor, true);
      return {
        entries: await desk.queue(),
        agents_online: desk.agentsOnline().map((a) => ({ id: a.id, name: a.name, via: a.via })),
        sla_minutes: deps.slaMinutes ?? null,
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
        return run(id, who(request).actor, request, reply);
      });
    };

    caseAction('claim', async (id, actor, _request, reply) => sendResult(reply, await desk.claim(id, actor)));
    caseAction('release', async (id, actor, _request, reply) =>
      sendResult(reply, await desk.release(id, actor)),
    );
    caseAction('reply', async (id, actor, request, reply) => {
      const body = parse(schemas.reply, request, reply);
      if (!body) return reply;
      return sendResult(reply, await desk.reply(id, actor, body.text, body.attachments ?? []), 201);
    });
    caseAction('notes', async (id, actor, request, reply) => {
      const body = parse(schemas.note, request, reply);
      if (!body) return reply;
      return sendResult(reply, await desk.note(id, actor, body.text), 201);
    });
    caseAction('hand-back', async (id, actor, request, reply) => {
      const body = parse(schemas.handBack, request, reply);
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
      const body = parse(schemas.resolve, request, reply);
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
      const body = parse(schemas.approval, request, reply);
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
      if (who(request).actor.role !== 'supervisor') {
        return sendError(reply, 403, 'CALMDESK_FORBIDDEN', 'Only supervisors see approvals.');
      }
      return { approvals: await desk.pendingApprovals() };
    });

    scope.post('/agent/api/approvals/:id/decision', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const id = idOf(request);
      if (!id) return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'No such approval.');
      const body = parse(schemas.decision, request, reply);
      if (!body) return reply;
      return sendResult(reply, await desk.decideApproval(id, who(request).actor, body));
    });

    scope.get('/agent/api/events', async (request, reply) => {
      const authed = who(request);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...CONSOLE_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      streams.set(res, authed.actor);
      desk.setPresence(authed.actor, true);
      const unsubscribe = desk.subscribe((event: DeskEvent) => {
        res.write(`event: desk\ndata: ${JSON.stringify(event)}\n\n`);
      });
      // The heartbeat keeps the agent present and ends the stream once the session has expired.
      const heartbeat = setInterval(() => {
        void agents.session(authed.session.token_hash, clock()).then((session) => {
          if (!session) return res.end();
          desk.setPresence(authed.actor, true);
          res.write(': keep-alive\n\n');
        });
      }, 20_000);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
        if (![...streams.values()].some((a) => a.id === authed.actor.id))
          desk.setPresence(authed.actor, false);
      });
    });

    // Open SSE streams would keep the server from closing (they are never idle): end them before it closes.
    scope.addHook('preClose', async () => {
      for (const res of streams.keys()) res.end();
    });
  });
}
