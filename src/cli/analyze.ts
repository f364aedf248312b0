import { z } from 'zod';
import { CalmdeskError, isCalmdeskError } from '../core/errors.ts';
import {
  lines,
  nluOptions,
  parseNluFlags,
  progressBar,
  reportModelFailure,
  writeLine,
} from '../nlu/cli-support.ts';
import { createNlu } from '../nlu/index.ts';
import type { Command } from './io.ts';

const HELP = `usage: calmdesk analyze [--now ISO] [--intents DIR] [--cache DIR] [--models DIR] < messages.jsonl

Reads JSON lines {"text": "...", "attachments"?: [{"kind": "photo"}], "now"?: ISO, "id"?: any} on stdin
and prints one JSON line per input on stdout: intent, confidence, ranking, language, entities, anger,
threats, slots, escalate, escalation_reasons, truncated (and "id" when the input had one).
A bad line prints {"error": {"code", "message"}} and the command goes on. stdout carries only JSON;
logs and training progress go to stderr.

  --now ISO        reference time for relative dates (default: each line's "now", else the clock)
  --intents DIR    intents folder (default: CALMDESK_INTENTS_DIR or intents/)
  --cache DIR      model cache (default: CALMDESK_MODEL_CACHE_DIR or data/models/)
  --models DIR     shipped models (default: models/)
`;

const LineSchema = z.object({
  text: z.string(),
  attachments: z
    .array(z.object({ kind: z.string() }).loose())
    .max(50)
    .optional(),
  now: z.iso.datetime({ offset: true }).optional(),
  id: z.unknown().optional(),
});

export const run: Command = async (args, io) => {
  const parsed = parseNluFlags(args, { now: { type: 'string' } }, HELP, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const fixedNow = values.now ? new Date(values.now) : undefined;
  if (fixedNow && Number.isNaN(fixedNow.getTime())) {
    io.stderr.write(`calmdesk analyze: --now "${values.now}" is not an ISO time (CALMDESK_USAGE)\n`);
    return 2;
  }
  let nlu: Awaited<ReturnType<typeof createNlu>>;
  try {
    nlu = await createNlu({
      ...nluOptions(values, io.env),
      onProgress: progressBar(io.stderr, 'training the intent model'),
    });
  } catch (error) {
    reportModelFailure(io.stderr, 'analyze', error);
    return isCalmdeskError(error, 'CALMDESK_INTENTS_INVALID') ? 2 : 1;
  }
  for await (const line of lines(io.stdin)) {
    if (line.trim().length === 0) continue;
    let parsed: z.infer<typeof LineSchema>;
    try {
      const result = LineSchema.safeParse(JSON.parse(line));
      if (!result.success) {
        const problem = result.error.issues
          .map((i) => `${i.path.join('.') || 'line'}: ${i.message}`)
          .join('; ');
        throw new CalmdeskError('CALMDESK_BAD_REQUEST', problem);
      }
      parsed = result.data;
    } catch (error) {
      const message = isCalmdeskError(error)
        ? error.message
        : `not JSON: ${error instanceof Error ? error.message : error}`;
      await writeLine(io.stdout, JSON.stringify({ error: { code: 'CALMDESK_BAD_REQUEST', message } }));
      continue;
    }
    const now = parsed.now ? new Date(parsed.now) : fixedNow;
    const analysis = nlu.analyze(parsed.text, {
      ...(parsed.attachments ? { attachments: parsed.attachments } : {}),
      ...(now ? { now } : {}),
    });
    const out = parsed.id === undefined ? analysis : { id: parsed.id, ...analysis };
    await writeLine(io.stdout, JSON.stringify(out));
  }
  return 0;
};
