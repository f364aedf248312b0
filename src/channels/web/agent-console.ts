import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../core/logger.ts';
import type { DeskEvent, HandoffDesk } from '../../handoff/desk.ts';
import type { AgentRepo } from '../../handoff/ports.ts';
import type { Actor } from '../../handoff/types.ts';
import { agentOf, registerAgentAuth } from './agent-auth.ts';
import { BODY_LIMIT } from './agent-http.ts';
import { registerAgentRoutes } from './agent-routes.ts';
import { jsonErrorHandler } from './http-errors.ts';

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

/** Mounts the console on the web server (the lead's server calls this as one of its plugins). */
export async function registerAgentConsole(app: FastifyInstance, deps: AgentConsoleDeps): Promise<void> {
  const { desk, agents, clock, logger } = deps;
  const files = {
    html: readFileSync(join(AGENT_DIR, 'index.html')),
    js: readFileSync(join(AGENT_DIR, 'console.js')),
    css: readFileSync(join(AGENT_DIR, 'console.css')),
  };
  const streams = new Map<ServerResponse, Actor>();
  const streaming = (actor: Actor) => [...streams.values()].some((a) => a.id === actor.id);

  await app.register(async (scope) => {
    scope.decorateRequest('agent', null);

    scope.addHook('onSend', async (_request, reply) => {
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) reply.header(name, value);
    });

    scope.setErrorHandler(
      jsonErrorHandler(logger, {
        tooLarge: {
          code: 'CALMDESK_TEXT_TOO_LONG',
          message: `The request is over ${BODY_LIMIT} bytes; send a shorter message.`,
        },
        invalidPrefix: 'The request is not valid: ',
        internal: 'Something went wrong on our side; try again.',
        logMessage: 'agent console request failed',
      }),
    );

    const page = (body: Buffer, type: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.type(type).send(body);
    scope.get('/agent', page(files.html, 'text/html; charset=utf-8'));
    scope.get('/agent/console.js', page(files.js, 'text/javascript; charset=utf-8'));
    scope.get('/agent/console.css', page(files.css, 'text/css; charset=utf-8'));

    registerAgentAuth(scope, {
      agents,
      clock,
      sessionMs: (deps.sessionMinutes ?? 480) * 60_000,
      secureCookies: deps.secureCookies ?? false,
      // An agent with the console still open in another tab stays present.
      onLogout: (actor) => {
        if (!streaming(actor)) desk.setPresence(actor, false);
      },
    });

    registerAgentRoutes(scope, {
      desk,
      maxReplyLength: deps.maxReplyLength ?? 4000,
      slaMinutes: deps.slaMinutes ?? null,
    });

    scope.get('/agent/api/events', async (request, reply) => {
      const authed = agentOf(request);
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
        if (!streaming(authed.actor)) desk.setPresence(authed.actor, false);
      });
    });

    // Open SSE streams would keep the server from closing (they are never idle): end them before it closes.
    scope.addHook('preClose', async () => {
      for (const res of streams.keys()) res.end();
    });
  });
}
