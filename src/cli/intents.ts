import { resolve } from 'node:path';
import { isCalmdeskError } from '../core/errors.ts';
import { checkIntents } from '../nlu/intents-check.ts';
import { loadIntents } from '../nlu/intents-file.ts';
import { parseFlags } from './args.ts';
import type { Command } from './io.ts';

const HELP = `usage: calmdesk intents check [--intents DIR] [--json]

Validates intents/*.yaml (name, description, zh and en example lists) and reports:
  errors    duplicates across intents (same text after folding width, script, case and punctuation),
            thin intents (fewer than 60 zh or 60 en examples)
  warnings  duplicates inside one intent, near-duplicates across intents (character 3-gram Jaccard
            ≥ 0.8), taxonomy intents without a file
Exit code: 0 clean or warnings only, 1 errors, 2 invalid files or usage.

  --intents DIR    intents folder (default: CALMDESK_INTENTS_DIR or intents/)
  --json           print one JSON object {errors, warnings, counts}
`;

const ROOT = resolve(import.meta.dirname, '../..');

export const run: Command = async (args, io) => {
  let parsed: {
    values: { intents?: string | undefined; json?: boolean | undefined; help?: boolean | undefined };
    positionals: string[];
  };
  try {
    parsed = parseFlags(args, { intents: { type: 'string' }, json: { type: 'boolean' } }, true);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : error}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'check') {
    io.stderr.write(`calmdesk intents: expected the subcommand "check" (CALMDESK_USAGE)\n\n${HELP}`);
    return 2;
  }
  const dir = resolve(values.intents ?? io.env.CALMDESK_INTENTS_DIR ?? resolve(ROOT, 'intents'));
  let report: ReturnType<typeof checkIntents>;
  try {
    report = checkIntents(loadIntents(dir));
  } catch (error) {
    if (!isCalmdeskError(error)) throw error;
    if (values.json)
      io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    else io.stderr.write(`${error.message}\n${error.fix}\n`);
    return 2;
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const lines = [
      `intents in ${dir}:`,
      ...Object.entries(report.counts).map(
        ([name, c]) => `  ${name.padEnd(20)} zh ${String(c.zh).padStart(4)}  en ${String(c.en).padStart(4)}`,
      ),
      '',
      `${report.errors.length} error(s)`,
      ...report.errors.map((e) => `  ERROR ${e}`),
      `${report.warnings.length} warning(s)`,
      ...report.warnings.map((w) => `  warn  ${w}`),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.errors.length > 0 ? 1 : 0;
};
