import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../core/logger.ts';

// The worker's own code: a second connection that folds the WAL back into the database file now and then.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT
 * crosses the threshold and includes an fsync, which stalls every conversation for milliseconds; a PASSIVE
 * checkpoint from another connection in a worker thread runs beside the writer instead. The caller turns
 * `wal_autocheckpoint` off only when this started; the last connection to close checkpoints what is left.
 */
export function startCheckpointer(path: string, logger: Logger, intervalMs = 1000): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, driver, intervalMs } });
  worker.unref();
  worker.on('message', (message) => logger.warn({ message, path }, 'WAL checkpoint failed; will try again'));
  worker.on('error', (error) => logger.error({ err: error, path }, 'WAL checkpointer stopped'));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        // Held (ref'd) while stopping: an unref'd worker's exit would not keep the process waiting for it.
        worker.ref();
        const deadline = setTimeout(() => void worker.terminate(), 1000);
        worker.once('exit', () => {
          clearTimeout(deadline);
          resolve();
        });
        worker.postMessage('stop');
      }),
  };
}
