import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free port on 127.0.0.1, so a restarted calmdesk comes back at the same address (and origin). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface CalmdeskProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code and how long the shutdown took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** Runs `calmdesk start` as a buyer would (`npm start`), with the given environment on top of ours. */
export async function startCalmdesk(env: Record<string, string>): Promise<CalmdeskProcess> {
  const child = spawn(process.execPath, ['bin/calmdesk.js', 'start'], {
    env: { ...process.env, CALMDESK_LOG_LEVEL: 'warn', ...env },
    stdio: 'pipe',
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`calmdesk did not start in 30 s:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /web chat:\s+(http:\/\/\S+?)\/?\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`calmdesk exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        const t = performance.now();
        if (child.exitCode !== null) return resolve({ code: child.exitCode, ms: 0 });
        child.once('exit', (code) => resolve({ code, ms: performance.now() - t }));
        child.kill('SIGTERM');
      }),
  };
}
