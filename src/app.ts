import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Channel } from './channels/channel.ts';
import { registerAgentConsole } from './channels/web/agent-console.ts';
import { createWebServer } from './channels/web/server.ts';
import { type Config, defaultConfig } from './config.ts';
import type { ConversationId } from './core/conversation-id.ts';
import { createLogger, type Logger } from './core/logger.ts';
import type { OutboundMessage } from './core/messages.ts';
import { createOutbox, type Outbox } from './core/outbox.ts';
import { createPipeline, type Pipeline } from './core/pipeline.ts';
import { TranscriptBus } from './core/transcript-bus.ts';
import { createFollowUpJob } from './dialogue/follow-up-job.ts';
import { decide, renderHandoffNotice, resume } from './dialogue/index.ts';
import type { RemedyAction } from './dialogue/types.ts';
import { createHandoffDesk, type HandoffDesk } from './handoff/desk.ts';
import { createExpiryTimer } from './handoff/expiry.ts';
import { createNlu, type Nlu } from './nlu/index.ts';
import { DemoShop } from './orders/demo-shop.ts';
import { HttpOrderSource } from './orders/http-orders.ts';
import type { OrderSource } from './orders/types.ts';
import { loadPolicy, type Policy } from './policy/index.ts';
import { openStore } from './storage/open-store.ts';
import type { Store } from './storage/store.ts';

/** Everything a running calmdesk is made of; tests reach into it, `main` starts and stops it. */
export interface Bot {
  config: Config;
  logger: Logger;
  store: Store;
  orders: OrderSource;
  nlu: Nlu;
  policy: Policy;
  bus: TranscriptBus;
  outbox: Outbox;
  pipeline: Pipeline;
  desk: HandoffDesk;
  /** The web server (chat, API, agent console), created by `listen()`. */
  server: FastifyInstance | null;
  /** Registers a platform channel for outbound messages and starts it with the bot. */
  addChannel(channel: Channel): void;
  /** Adds routes to the web server (before `listen()`), e.g. the Telegram webhook. */
  addRoutes(plugin: (app: FastifyInstance) => Promise<void> | void): void;
  /** Starts the web server and the timers; resolves with the address. */
  listen(): Promise<string>;
  /** Stops intake, lets messages in flight finish, stops channels and timers, closes the database. */
  stop(): Promise<void>;
}

export interface BotOptions {
  config?: Partial<Config>;
  store?: Store;
  orders?: OrderSource;
  nlu?: Nlu;
  policy?: Policy;
  clock?: () => Date;
  logger?: Logger;
}

/**
 * The composition root: config → store → orders → nlu → policy → pipeline → desk → channels.
 * Nothing here decides anything; it only connects the parts.
 */
export async function createBot(options: BotOptions = {}): Promise<Bot> {
  const config: Config = { ...defaultConfig(), ...options.config };
  const logger =
    options.logger ??
    createLogger({ level: config.logLevel, ...(config.logFile ? { destination: config.logFile } : {}) });
  const clock = options.clock ?? (() => new Date());

  const opened = options.store ? { store: options.store, sqlite: null } : await openStore(config, logger);
  const { store, sqlite } = opened;
  await store.start();

  let demoShop: DemoShop | null = null;
  let orders = options.orders;
  if (!orders) {
    if (config.orders.source === 'http') {
      orders = new HttpOrderSource({
        baseUrl: config.orders.baseUrl,
        token: config.orders.token ?? '',
        timeoutMs: config.orders.timeoutMs,
      });
    } else {
      // The demo shop lives in the same SQLite file; with the memory or PostgreSQL store it gets a database of its own.
      demoShop = new DemoShop(sqlite?.db ?? new BetterSqlite3(':memory:'), { now: clock });
      orders = demoShop;
    }
  }

  const nlu =
    options.nlu ?? (await createNlu({ intentsDir: config.intentsDir, cacheDir: config.modelCacheDir }));
  const policy = options.policy ?? loadPolicy(config.policyPath);
  const bus = new TranscriptBus();
  const outbox = createOutbox({ store, bus, logger, clock });

  // A real shop carries remedies out in its own systems (an agent or its order API); the demo shop does it
  // here, for the bot's and the agents' settlements alike, so a buyer can watch the follow-up happen.
  const act = async (_conversationId: ConversationId, buyerId: string, action: RemedyAction) => {
    if (action.type === 'apply_remedy' && demoShop)
      await demoShop.applyRemedy(buyerId, action.order_id, action.remedy);
  };

  // The desk and the pipeline need each other (relay vs. exclusive hand-back); the pipeline is made
  // first and reaches the desk through this late-bound reference.
  let desk: HandoffDesk | null = null;
  const pipeline = createPipeline({
    store,
    nlu,
    orders,
    policy,
    decide,
    outbox,
    bus,
    handoff: {
      held: (id) => desk!.held(id),
      onBuyerMessage: (id, message) => desk!.onBuyerMessage(id, message),
      request: (id, request, context) => desk!.request(id, request, context),
    },
    act,
    clock,
    logger,
  });
  desk = createHandoffDesk({
    store,
    outbox: {
      send: async (message) => {
        await outbox.send(message);
      },
    },
    pipeline,
    dialogue: {
      renderHandoffNotice,
      resume: (state, handBack, language, now) => resume(state, handBack, language, now, policy),
    },
    orders,
    act,
    config: {
      slaMinutes: config.handoff.slaMinutes,
      timezone: config.handoff.timezone,
      ...(config.handoff.openingHours ? { openingHours: config.handoff.openingHours } : {}),
      agentLimit: policy.authority.agent_limit,
    },
    clock,
    logger,
  });

  const followUps = createFollowUpJob({
    store,
    orders,
    deliver: async (message: OutboundMessage) => {
      await outbox.send(message);
    },
    clock,
    intervalMs: config.followUpIntervalMs,
    idleNudgeMinutes: policy.follow_up.idle_nudge_minutes,
    // A nudge or a follow-up must not interleave with the buyer's own message in the same conversation.
    exclusive: (conversationId, task) => pipeline.runExclusive(conversationId, task),
    logger,
  });

  const expiry = createExpiryTimer(desk, { clock, logger });

  const channels: Channel[] = [];
  const plugins: ((app: FastifyInstance) => Promise<void> | void)[] = [];
  let server: FastifyInstance | null = null;
  let stopped = false;

  const retryTimers = new Set<NodeJS.Timeout>();
  function startChannel(channel: Channel, attempt: number): void {
    channel.start().then(
      () => logger.info({ platform: channel.platform }, `${channel.platform}: started`),
      (error: unknown) => {
        if (stopped) return;
        const delay = Math.min(300_000, 15_000 * 2 ** attempt);
        logger.error(
          { err: error, platform: channel.platform, retryInMs: delay },
          `${channel.platform}: could not start; retrying`,
        );
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          if (!stopped) startChannel(channel, attempt + 1);
        }, delay);
        timer.unref();
        retryTimers.add(timer);
      },
    );
  }

  const bot: Bot = {
    config,
    logger,
    store,
    orders,
    nlu,
    policy,
    bus,
    outbox,
    pipeline,
    desk,
    get server() {
      return server;
    },
    addChannel(channel) {
      channels.push(channel);
      outbox.register(channel);
    },
    addRoutes(plugin) {
      plugins.push(plugin);
    },
    async listen() {
      server = await createWebServer({
        host: config.host,
        port: config.port,
        maxBodyBytes: config.maxBodyBytes,
        maxTextLength: config.maxTextLength,
        pipeline,
        store,
        bus,
        logger,
        clock,
        // With PostgreSQL, processes behind one load balancer need this folder on a shared volume.
        uploadsDir: config.store !== 'memory' ? join(dirname(config.dbPath), 'uploads') : null,
        plugins: [
          (app) =>
            registerAgentConsole(app, {
              desk: desk!,
              agents: store.agents,
              clock,
              logger,
              sessionMinutes: config.sessionTtlHours * 60,
              secureCookies: config.cookieSecure,
              slaMinutes: config.handoff.slaMinutes,
            }),
          ...plugins,
        ],
      });
      const address = await server.listen({ host: config.host, port: config.port });
      // A platform that is down must not keep the web chat from serving: each starts on its own, and
      // one that fails is retried until it comes up or the bot stops.
      for (const channel of channels) startChannel(channel, 0);
      followUps.start();
      expiry.start();
      return address;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of retryTimers) clearTimeout(timer);
      followUps.stop();
      expiry.stop();
      // Intake first (web server, platforms), then the messages in flight, then the deliveries, then the disk.
      await Promise.allSettled([server?.close(), ...channels.map((c) => c.stop())]);
      await pipeline.drain();
      await outbox.stop();
      await store.stop();
    },
  };
  return bot;
}
