import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { CalmdeskError } from '../core/errors.ts';
import { INTENTS, type Intent } from './types.ts';

// yaml is loaded only when the files are parsed: a start with a cached model needs their hash only.
const require = createRequire(import.meta.url);
function parse(text: string): unknown {
  return (require('yaml') as typeof import('yaml')).parse(text);
}

/**
 * The intents/ folder: one YAML file per intent of INTENTS.md, each with `name`, `description` and
 * example lists `zh` and `en`. This loader validates every file with zod and reports every problem
 * of every file at once (CALMDESK_INTENTS_INVALID), so a writer fixes them in one go.
 */

/** YAML reads a bare `12315` or `2026111812345678` as a number; an example is its text either way. */
const Example = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

export const IntentFileSchema = z.object({
  name: z.enum(INTENTS),
  description: z.string().trim().min(1),
  zh: z.array(Example).min(1),
  en: z.array(Example).min(1),
});

export interface IntentDefinition {
  name: Intent;
  description: string;
  zh: string[];
  en: string[];
  /** File the definition came from (for reports). */
  file: string;
}

export interface IntentsSet {
  intents: IntentDefinition[];
  /** sha256 of the files' names and contents, hex. */
  contentHash: string;
  dir: string;
}

function intentFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch (error) {
    throw new CalmdeskError('CALMDESK_INTENTS_INVALID', `cannot read the intents folder ${dir}`, {
      cause: error,
    });
  }
}

/**
 * sha256 of the intents files' names and contents, without parsing them: enough to find the cached
 * model, so a start with a cached model does not pay for YAML parsing and validation.
 */
export function intentsContentHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of intentFiles(dir)) hash.update(`${file}\n${readFileSync(join(dir, file), 'utf8')}\n`);
  return hash.digest('hex');
}

/** Reads and validates every `*.yaml`/`*.yml` file of `dir`. */
export function loadIntents(dir: string): IntentsSet {
  const files = intentFiles(dir);
  if (files.length === 0) {
    throw new CalmdeskError('CALMDESK_INTENTS_INVALID', `no intent files (*.yaml) in ${dir}`);
  }
  const problems: string[] = [];
  const intents: IntentDefinition[] = [];
  const hash = createHash('sha256');
  const seen = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    hash.update(`${file}\n${text}\n`);
    let data: unknown;
    try {
      data = parse(text);
    } catch (error) {
      problems.push(
        `${file}: not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : error})`,
      );
      continue;
    }
    const result = IntentFileSchema.safeParse(data);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push(`${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
      }
      continue;
    }
    const def = result.data;
    const stem = basename(file).replace(/\.ya?ml$/, '');
    if (stem !== def.name) problems.push(`${file}: name "${def.name}" does not match the file name`);
    const other = seen.get(def.name);
    if (other) problems.push(`${file}: intent "${def.name}" is also defined in ${other}`);
    seen.set(def.name, file);
    const empty = [...def.zh, ...def.en].filter((e) => e.length === 0).length;
    if (empty > 0) problems.push(`${file}: ${empty} empty example(s)`);
    intents.push({
      name: def.name,
      description: def.description,
      zh: def.zh.filter((e) => e.length > 0),
      en: def.en.filter((e) => e.length > 0),
      file,
    });
  }
  if (problems.length > 0) {
    throw new CalmdeskError('CALMDESK_INTENTS_INVALID', `intents in ${dir}:\n  ${problems.join('\n  ')}`);
  }
  return { intents, contentHash: hash.digest('hex'), dir };
}

/** The training examples of an intents set, zh then en per intent. */
export function examplesOf(set: IntentsSet): { text: string; intent: Intent; language: 'zh' | 'en' }[] {
  const out: { text: string; intent: Intent; language: 'zh' | 'en' }[] = [];
  for (const def of set.intents) {
    for (const text of def.zh) out.push({ text, intent: def.name, language: 'zh' });
    for (const text of def.en) out.push({ text, intent: def.name, language: 'en' });
  }
  return out;
}
