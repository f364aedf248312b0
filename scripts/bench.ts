/**
 * `npm run bench`: the foundation's figures on this machine.
 *  1. pipeline + SQLite alone (a stub NLU and dialogue): messages/s, p50/p99 latency, RSS;
 *  2. the whole pipeline (real NLU + dialogue + SQLite): messages/s, p50/p99;
 *  3. cold start of `calmdesk start` until it serves, and its shutdown on SIGTERM.
 * Prints a table and writes bench/results/pipeline.json. Targets: ≥ 5,000 msg/s and p99 < 5 ms for (1),
 * ≥ 3,000 msg/s for (2), start-up < 1.5 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/core/logger.ts';
import type { InboundMessage } from '../src/core/messages.ts';
import { createOutbox } from '../src/core/outbox.ts';
import { type Analyzer, createPipeline } from '../src/core/pipeline.ts';
import { TranscriptBus } from '../src/core/transcript-bus.ts';
import type { DecideInput, Decision } from '../src/dialogue/types.ts';
import { MemoryOrderSource } from '../src/orders/memory-orders.ts';
import { createSqliteStore } from '../src/storage/sqlite-store.ts';
import { echoAnalyzer, echoDecide } from '../test/helpers/stub-parts.ts';

const dir = mkdtempSync(join(tmpdir(), 'calmdesk-bench-'));
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

// Buyer-like lines of our own writing, cycled through the whole-pipeline run.
const LINES = [
  '在吗',
  '我的杯子收到就碎了，订单号 CD10001',
  '我要仅退款',
  'the mug arrived cracked, order CD10002',
  '好的',
  '什么时候能退款到账？',
  'can I return it? tags are still on',
  '谢谢',
];

async function runPipeline(
  label: string,
  nlu: Analyzer,
  decide: (input: DecideInput) => Decision,
  options: { conversations: number; messages: number; inFlight: number },
) {
  const store = createSqliteStore(join(dir, `${label}.db`));
  const bus = new TranscriptBus();
  const clock = () => new Date();
  const outbox = createOutbox({ store, bus, logger: silentLogger, clock });
  const pipeline = createPipeline({
    store,
    nlu,
    orders: new MemoryOrderSource([]),
    policy: policyForBench,
    decide,
    outbox,
    bus,
    clock,
    logger: silentLogger,
  });
  const latencies: number[] = [];
  const sent = new Array<number>(options.conversations).fill(0);
  let next = 0;
  const started = performance.now();
  // A busy shop: many conversations, messages arriving for them in turn, a bounded number in flight at
  // once (as a web server or a platform poller delivers them). Latency is per message, queueing included.
  await Promise.all(
    Array.from({ length: options.inFlight }, async () => {
      while (next < options.messages) {
        const n = next++;
        const c = (n * 7919) % options.conversations;
        const i = sent[c]!++;
        const message: InboundMessage = {
          id: `${c}-${i}`,
          platform: 'web',
          conversationId: `web:bench-${c}`,
          author: { id: `web:bench-${c}`, name: 'Buyer', role: 'buyer' },
          text: LINES[(c + i) % LINES.length]!,
          attachments: [],
          receivedAt: new Date(),
        };
        const t = performance.now();
        await pipeline.handleInbound(message);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pipeline.drain();
  await store.stop();
  latencies.sort((a, b) => a - b);
  return {
    messages: latencies.length,
    conversations: options.conversations,
    in_flight: options.inFlight,
    messages_per_second: Math.round(latencies.length / seconds),
    p50_ms: Number(quantile(latencies, 0.5).toFixed(3)),
    p99_ms: Number(quantile(latencies, 0.99).toFixed(3)),
    rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
}

let policyForBench: unknown = {};

async function coldStart() {
  const env = {
    ...process.env,
    CALMDESK_PORT: '0',
    CALMDESK_DB_PATH: join(dir, 'start.db'),
    CALMDESK_LOG_LEVEL: 'warn',
  };
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/calmdesk.js', 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('web chat:')) resolve(performance.now() - t0);
    });
    child.once('exit', (code) =>
      reject(new Error(`calmdesk start exited with ${code} before it was ready: ${out}`)),
    );
  });
  const inProcess = Number(/ready in (\d+) ms/.exec(out)?.[1] ?? Number.NaN);
  const t1 = performance.now();
  const code = await new Promise<string>((resolve) => {
    child.once('exit', (exitCode, signal) => resolve(signal ?? String(exitCode)));
    child.kill('SIGTERM');
  });
  return {
    process_to_ready_ms: Math.round(ready),
    in_process_ready_ms: inProcess,
    shutdown_ms: Math.round(performance.now() - t1),
    exit_code: code,
  };
}

// `--only alone|whole|start` runs one part (for profiling); the default runs all three.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const wanted = (part: string) => only === undefined || only === part;

const results: Record<string, unknown> = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
};
if (wanted('alone'))
  results.pipeline_sqlite_alone = await runPipeline('alone', echoAnalyzer, echoDecide, {
    conversations: 2000,
    messages: 40_000,
    inFlight: 8,
  });

if (wanted('whole')) {
  try {
    const { createNlu } = await import('../src/nlu/index.ts');
    const { decide } = await import('../src/dialogue/index.ts');
    const { loadPolicy } = await import('../src/policy/index.ts');
    policyForBench = loadPolicy();
    const nlu = await createNlu({ intentsDir: 'intents', cacheDir: 'data/models' });
    results.whole_pipeline = await runPipeline('whole', nlu, decide, {
      conversations: 2000,
      messages: 20_000,
      inFlight: 8,
    });
  } catch (error) {
    results.whole_pipeline = { error: String(error) };
  }
}
if (wanted('start')) results.cold_start = await coldStart();
rmSync(dir, { recursive: true, force: true });

const rows: [string, string][] = [];
for (const [name, value] of Object.entries(results)) {
  if (name === 'machine') continue;
  rows.push([
    name,
    Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${v}`)
      .join('  '),
  ]);
}
const width = Math.max(...rows.map(([n]) => n.length));
process.stdout.write(
  `calmdesk bench (${(results.machine as { cpus: number }).cpus} cores, node ${process.version})\n`,
);
for (const [name, line] of rows) process.stdout.write(`  ${name.padEnd(width)}  ${line}\n`);
writeFileSync(
  'bench/results/pipeline.json',
  `${JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2)}\n`,
);
