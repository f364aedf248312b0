import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CalmdeskError } from '../core/errors.ts';
import { type Policy, PolicySchema } from './schema.ts';

/** The policy shipped with calmdesk (policy/default.yaml), used when CALMDESK_POLICY_PATH is not set. */
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../policy/default.yaml', import.meta.url));

/**
 * Validates a parsed policy object. Throws CALMDESK_POLICY_INVALID naming every bad field at once, so
 * the shop fixes the file in one go.
 */
export function parsePolicy(raw: unknown, source = 'policy'): Policy {
  const result = PolicySchema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  throw new CalmdeskError(
    'CALMDESK_POLICY_INVALID',
    `${source} has ${fields.length} bad field(s): ${fields.join('; ')}`,
  );
}

/** Reads and validates a policy YAML file (synchronously: it is read once, at start). */
export function loadPolicy(path: string = DEFAULT_POLICY_PATH): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CalmdeskError('CALMDESK_POLICY_INVALID', `cannot read policy file ${path}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new CalmdeskError(
      'CALMDESK_POLICY_INVALID',
      `${path} is not valid YAML: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parsePolicy(raw, path);
}

let cachedDefault: Policy | undefined;

/** The shipped default policy, loaded once (tests and the replay command use it). */
export function defaultPolicy(): Policy {
  cachedDefault ??= loadPolicy(DEFAULT_POLICY_PATH);
  return cachedDefault;
}
