import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { type OpeningHours, parseOpeningHours } from './handoff/opening-hours.ts';

/**
 * The only reader of process.env. Every variable is documented in .env.example; a bad value stops
 * start-up with one message that lists every problem (exit code 2).
 */
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(fallback ? 'true' : 'false')
    .transform((v) => (v === '' ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((v, ctx) => {
      const n = v.trim() === '' ? fallback : Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const idList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const ids = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const id of ids) {
      if (!/^-?\d+$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: `"${id}" is not a numeric id (comma-separated numbers)` });
        return z.NEVER;
      }
    }
    return ids;
  });

// "mon-fri 09:00-18:00": days and hours in CALMDESK_TIMEZONE; empty means people answer at any time.
const openingHours = z
  .string()
  .default('')
  .transform((v) => (v.trim() === '' ? undefined : v.trim()));

const url = z.url({ message: 'must be a full URL such as https://shop.example/api' });

export const EnvSchema = z.object({
  CALMDESK_HOST: z.string().default('127.0.0.1'),
  CALMDESK_PORT: int(3000, 0, 65535),
  CALMDESK_STORE: z.enum(['sqlite', 'memory', 'postgres']).default('sqlite'),
  CALMDESK_DB_PATH: z.string().min(1).default('data/calmdesk.db'),
  CALMDESK_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, {
      message: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/calmdesk',
    })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  CALMDESK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CALMDESK_LOG_FILE: optionalText,
  CALMDESK_POLICY_PATH: z.string().min(1).default('policy/default.yaml'),
  CALMDESK_INTENTS_DIR: z.string().min(1).default('intents'),
  CALMDESK_MODEL_CACHE_DIR: z.string().min(1).default('data/models'),
  CALMDESK_ORDERS: z.enum(['demo', 'http']).default('demo'),
  CALMDESK_ORDER_API_URL: url.optional().or(z.literal('').transform(() => undefined)),
  CALMDESK_ORDER_API_TOKEN: optionalText,
  CALMDESK_ORDER_API_TIMEOUT_MS: int(3000, 100, 60_000),
  CALMDESK_MAX_TEXT_LENGTH: int(4000, 100, 100_000),
  CALMDESK_MAX_BODY_BYTES: int(65_536, 1024, 10_485_760),
  CALMDESK_FOLLOW_UP_INTERVAL_MS: int(60_000, 1000, 86_400_000),
  CALMDESK_HANDOFF_SLA_MINUTES: int(15, 1, 10_080),
  CALMDESK_OPENING_HOURS: openingHours,
  CALMDESK_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be an IANA time zone such as Asia/Shanghai or Europe/Berlin' },
    ),
  CALMDESK_SESSION_TTL_HOURS: int(12, 1, 720),
  CALMDESK_COOKIE_SECURE: bool(false),
  CALMDESK_TELEGRAM_TOKEN: optionalText,
  CALMDESK_TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  CALMDESK_TELEGRAM_WEBHOOK_URL: url.optional().or(z.literal('').transform(() => undefined)),
  CALMDESK_TELEGRAM_WEBHOOK_SECRET: optionalText,
  CALMDESK_TELEGRAM_STAFF_GROUP_ID: optionalText,
  CALMDESK_TELEGRAM_STAFF_USER_IDS: idList,
  CALMDESK_TELEGRAM_SUPERVISOR_USER_IDS: idList,
  CALMDESK_TELEGRAM_API_ROOT: url.optional().or(z.literal('').transform(() => undefined)),
  CALMDESK_DISCORD_TOKEN: optionalText,
  CALMDESK_DISCORD_SUPPORT_CHANNEL_ID: optionalText,
  CALMDESK_DISCORD_STAFF_CHANNEL_ID: optionalText,
  CALMDESK_DISCORD_STAFF_ROLE_ID: optionalText,
  CALMDESK_DISCORD_SUPERVISOR_ROLE_ID: optionalText,
  CALMDESK_DISCORD_API_ROOT: url.optional().or(z.literal('').transform(() => undefined)),
});

type Env = z.infer<typeof EnvSchema>;

/** The validated configuration, in the names the code uses. */
export interface Config {
  host: string;
  port: number;
  store: 'sqlite' | 'memory' | 'postgres';
  dbPath: string;
  /** The PostgreSQL URL (CALMDESK_STORE=postgres). */
  databaseUrl: string | undefined;
  logLevel: Env['CALMDESK_LOG_LEVEL'];
  logFile: string | undefined;
  policyPath: string;
  intentsDir: string;
  modelCacheDir: string;
  orders:
    | { source: 'demo' }
    | { source: 'http'; baseUrl: string; token: string | undefined; timeoutMs: number };
  maxTextLength: number;
  maxBodyBytes: number;
  followUpIntervalMs: number;
  handoff: {
    slaMinutes: number;
    openingHours: OpeningHours | undefined;
    timezone: string;
  };
  sessionTtlHours: number;
  cookieSecure: boolean;
  telegram:
    | {
        token: string;
        mode: 'polling' | 'webhook';
        webhookUrl: string | undefined;
        webhookSecret: string | undefined;
        staffGroupId: string | undefined;
        staffUserIds: string[];
        /** Telegram user ids acting as supervisors (they decide compensation approvals). */
        supervisorUserIds: string[];
        apiRoot: string | undefined;
      }
    | undefined;
  discord:
    | {
        token: string;
        supportChannelId: string | undefined;
        staffChannelId: string | undefined;
        staffRoleId: string | undefined;
        /** Members with this role act as supervisors (they decide compensation approvals). */
        supervisorRoleId: string | undefined;
        apiRoot: string | undefined;
      }
    | undefined;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Reads `.env` (if present) under the real environment, which wins. Never prints anything. */
export function readEnv(env: NodeJS.ProcessEnv = process.env, dotenvPath = '.env'): NodeJS.ProcessEnv {
  if (!existsSync(dotenvPath)) return env;
  const fromFile = parseDotenv(readFileSync(dotenvPath));
  return { ...fromFile, ...env };
}

/** Validates the environment; every problem is reported, each with its variable and how to fix it. */
export function loadConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined) picked[key] = value;
  }
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        const got = picked[key];
        return `${key}=${got === undefined ? '(unset)' : JSON.stringify(got)}: ${issue.message}`;
      }),
    };
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.CALMDESK_STORE === 'postgres' && !e.CALMDESK_DATABASE_URL) {
    problems.push('CALMDESK_DATABASE_URL=(unset): required when CALMDESK_STORE=postgres');
  }
  if (e.CALMDESK_ORDERS === 'http' && !e.CALMDESK_ORDER_API_URL) {
    problems.push('CALMDESK_ORDER_API_URL=(unset): required when CALMDESK_ORDERS=http');
  }
  if (e.CALMDESK_TELEGRAM_TOKEN && e.CALMDESK_TELEGRAM_MODE === 'webhook') {
    if (!e.CALMDESK_TELEGRAM_WEBHOOK_URL) {
      problems.push('CALMDESK_TELEGRAM_WEBHOOK_URL=(unset): required when CALMDESK_TELEGRAM_MODE=webhook');
    }
    if (
      !e.CALMDESK_TELEGRAM_WEBHOOK_SECRET ||
      !/^[A-Za-z0-9_-]{16,256}$/.test(e.CALMDESK_TELEGRAM_WEBHOOK_SECRET)
    ) {
      problems.push(
        'CALMDESK_TELEGRAM_WEBHOOK_SECRET: required in webhook mode, 16–256 characters of A-Z a-z 0-9 _ -',
      );
    }
  }
  let hours: OpeningHours | undefined;
  if (e.CALMDESK_OPENING_HOURS) {
    try {
      hours = parseOpeningHours(`${e.CALMDESK_OPENING_HOURS} ${e.CALMDESK_TIMEZONE}`);
    } catch (error) {
      problems.push(
        `CALMDESK_OPENING_HOURS=${JSON.stringify(e.CALMDESK_OPENING_HOURS)}: must look like "mon-fri 09:00-18:00" or "mon,wed,sat 10:00-22:00" (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    config: {
      host: e.CALMDESK_HOST,
      port: e.CALMDESK_PORT,
      store: e.CALMDESK_STORE,
      dbPath: e.CALMDESK_DB_PATH,
      databaseUrl: e.CALMDESK_DATABASE_URL,
      logLevel: e.CALMDESK_LOG_LEVEL,
      logFile: e.CALMDESK_LOG_FILE,
      policyPath: e.CALMDESK_POLICY_PATH,
      intentsDir: e.CALMDESK_INTENTS_DIR,
      modelCacheDir: e.CALMDESK_MODEL_CACHE_DIR,
      orders:
        e.CALMDESK_ORDERS === 'http'
          ? {
              source: 'http',
              baseUrl: e.CALMDESK_ORDER_API_URL!,
              token: e.CALMDESK_ORDER_API_TOKEN,
              timeoutMs: e.CALMDESK_ORDER_API_TIMEOUT_MS,
            }
          : { source: 'demo' },
      maxTextLength: e.CALMDESK_MAX_TEXT_LENGTH,
      maxBodyBytes: e.CALMDESK_MAX_BODY_BYTES,
      followUpIntervalMs: e.CALMDESK_FOLLOW_UP_INTERVAL_MS,
      handoff: {
        slaMinutes: e.CALMDESK_HANDOFF_SLA_MINUTES,
        openingHours: hours,
        timezone: e.CALMDESK_TIMEZONE,
      },
      sessionTtlHours: e.CALMDESK_SESSION_TTL_HOURS,
      cookieSecure: e.CALMDESK_COOKIE_SECURE,
      telegram: e.CALMDESK_TELEGRAM_TOKEN
        ? {
            token: e.CALMDESK_TELEGRAM_TOKEN,
            mode: e.CALMDESK_TELEGRAM_MODE,
            webhookUrl: e.CALMDESK_TELEGRAM_WEBHOOK_URL,
            webhookSecret: e.CALMDESK_TELEGRAM_WEBHOOK_SECRET,
            staffGroupId: e.CALMDESK_TELEGRAM_STAFF_GROUP_ID,
            staffUserIds: e.CALMDESK_TELEGRAM_STAFF_USER_IDS,
            supervisorUserIds: e.CALMDESK_TELEGRAM_SUPERVISOR_USER_IDS,
            apiRoot: e.CALMDESK_TELEGRAM_API_ROOT,
          }
        : undefined,
      discord: e.CALMDESK_DISCORD_TOKEN
        ? {
            token: e.CALMDESK_DISCORD_TOKEN,
            supportChannelId: e.CALMDESK_DISCORD_SUPPORT_CHANNEL_ID,
            staffChannelId: e.CALMDESK_DISCORD_STAFF_CHANNEL_ID,
            staffRoleId: e.CALMDESK_DISCORD_STAFF_ROLE_ID,
            supervisorRoleId: e.CALMDESK_DISCORD_SUPERVISOR_ROLE_ID,
            apiRoot: e.CALMDESK_DISCORD_API_ROOT,
          }
        : undefined,
    },
  };
}

/** The one start-up message for a bad configuration. */
export function formatConfigProblems(problems: string[]): string {
  return [
    `calmdesk cannot start: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'} (CALMDESK_CONFIG_INVALID)`,
    ...problems.map((p) => `  - ${p}`),
    'Fix them in the environment or in .env (every variable is explained in .env.example), then start again.',
  ].join('\n');
}

/** The configuration for tests and in-process tools: defaults, memory store, overrides applied. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  const result = loadConfig({ CALMDESK_STORE: 'memory', CALMDESK_LOG_LEVEL: 'silent' });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return { ...result.config, ...overrides };
}
