import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { nluOptions, parseNluFlags, progressBar, reportModelFailure } from '../nlu/cli-support.ts';
import { createNlu, trainEngine } from '../nlu/index.ts';
import { evaluate, formatReport } from '../nlu/metrics.ts';
import type { Command } from './io.ts';

const HELP = `usage: calmdesk eval --data FILE.jsonl [--train TRAIN.jsonl] [--json] [--intents DIR] [--cache DIR]

Classifies every line {"text": ..., "intent": ...} of FILE and prints intent accuracy, macro-F1, a
per-intent precision/recall/F1 table and the most frequent confusions.

  --data FILE      labelled JSON lines to evaluate (required)
  --train FILE     train the bare engine on these labelled lines instead of using the intent model
                   built from intents/ (for benchmarks such as CLINC150)
  --json           print one JSON object: {n, accuracy, macro_f1, per_intent, confusions}
  --intents DIR    intents folder (default: CALMDESK_INTENTS_DIR or intents/)
  --cache DIR      model cache (default: CALMDESK_MODEL_CACHE_DIR or data/models/)
`;

const Labelled = z.object({ text: z.string(), intent: z.string().min(1) });

function readLabelled(path: string): { text: string; intent: string }[] {
  const out: { text: string; intent: string }[] = [];
  const text = readFileSync(path, 'utf8');
  text.split('\n').forEach((line, i) => {
    if (line.trim().length === 0) return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not JSON`);
    }
    const parsed = Labelled.safeParse(data);
    if (!parsed.success) throw new Error(`${path}:${i + 1}: needs {"text": string, "intent": string}`);
    out.push(parsed.data);
  });
  return out;
}

export const run: Command = async (args, io) => {
  const parsed = parseNluFlags(
    args,
    {
      data: { type: 'string' },
      train: { type: 'string' },
      json: { type: 'boolean' },
    },
    HELP,
    io,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  if (!values.data) {
    io.stderr.write(`calmdesk eval: --data is required (CALMDESK_USAGE)\n\n${HELP}`);
    return 2;
  }
  let data: { text: string; intent: string }[];
  let train: { text: string; intent: string }[] | undefined;
  try {
    data = readLabelled(values.data);
    if (values.train) train = readLabelled(values.train);
  } catch (error) {
    io.stderr.write(`calmdesk eval: ${error instanceof Error ? error.message : error} (CALMDESK_USAGE)\n`);
    return 2;
  }
  let classify: (text: string) => string;
  try {
    if (train) {
      io.stderr.write(`training the engine on ${train.length} examples…\n`);
      const engine = trainEngine(train, { c: 2 });
      classify = (text) => engine.classify(text).intent;
    } else {
      const nlu = await createNlu({
        ...nluOptions(values, io.env),
        onProgress: progressBar(io.stderr, 'training the intent model'),
      });
      classify = (text) => nlu.analyze(text).intent;
    }
  } catch (error) {
    reportModelFailure(io.stderr, 'eval', error);
    return 1;
  }
  const predicted = data.map((d) => classify(d.text));
  const report = evaluate(
    data.map((d) => d.intent),
    predicted,
  );
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return 0;
};
