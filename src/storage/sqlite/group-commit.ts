import type { Database } from 'better-sqlite3';

/**
 * Group commit: the writes made during one turn of the event loop share one transaction, committed
 * on `setImmediate`. Each write still runs in its own savepoint (better-sqlite3 nests `db.transaction`
 * inside an open transaction), so one failing write rolls back alone; and each caller's promise resolves
 * only after the commit, so nothing is reported stored that is not on disk. A WAL commit costs tens of
 * microseconds; a busy shop's concurrent messages would otherwise pay it several times each.
 */
export interface GroupCommit {
  write<T>(work: () => T): Promise<T>;
  /** Commits the open group now (before close). */
  flush(): void;
}

export function createGroupCommit(db: Database): GroupCommit {
  let batch: { done: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;

  function flush(): void {
    const current = batch;
    batch = null;
    if (!current) return;
    try {
      db.exec('COMMIT');
      current.resolve();
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      current.reject(error);
    }
  }

  return {
    write<T>(work: () => T): Promise<T> {
      if (!batch) {
        // Someone else's explicit transaction is open (a migration, a test): join it, no batching.
        if (db.inTransaction) return Promise.resolve().then(work);
        db.exec('BEGIN IMMEDIATE');
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const done = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        batch = { done, resolve, reject };
        setImmediate(flush);
      }
      const current = batch;
      let result: T;
      try {
        result = work();
      } catch (error) {
        return Promise.reject(error);
      }
      return current.done.then(() => result);
    },
    flush,
  };
}
