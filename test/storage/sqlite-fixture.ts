import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../../src/storage/sqlite/migrate.ts';

/** A fresh SQLite database in memory with every migration applied, for one repository contract run. */
export function migratedSqlite(): { db: BetterSqlite3.Database; close: () => Promise<void> } {
  const db = new BetterSqlite3(':memory:');
  migrate(db);
  return {
    db,
    close: async () => {
      db.close();
    },
  };
}
