import type { FastifyInstance } from 'fastify';
import { createWebServer } from '../../src/channels/web/server.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createOutbox } from '../../src/core/outbox.ts';
import { createPipeline } from '../../src/core/pipeline.ts';
import { TranscriptBus } from '../../src/core/transcript-bus.ts';
import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import { createMemoryStore } from '../../src/storage/memory-store.ts';
import type { Store } from '../../src/storage/store.ts';
import { echoAnalyzer, echoDecide } from './stub-parts.ts';

/** The web server over the real pipeline and store, with the echo NLU and dialogue: tests of the web edge. */
export async function createStubWebServer(
  options: { store?: Store; uploadsDir?: string | null; maxTextLength?: number } = {},
) {
  const store = options.store ?? createMemoryStore();
  const bus = new TranscriptBus();
  const clock = () => new Date();
  const outbox = createOutbox({ store, bus, logger: silentLogger, clock });
  const pipeline = createPipeline({
    store,
    nlu: echoAnalyzer,
    orders: new MemoryOrderSource([]),
    policy: {},
    decide: echoDecide,
    outbox,
    bus,
    clock,
    logger: silentLogger,
  });
  const app: FastifyInstance = await createWebServer({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 65_536,
    maxTextLength: options.maxTextLength ?? 4000,
    pipeline,
    store,
    bus,
    logger: silentLogger,
    clock,
    uploadsDir: options.uploadsDir ?? null,
  });
  return { app, store, bus, outbox, pipeline };
}
