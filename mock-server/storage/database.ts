import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/**
 * Schema changes, applied in order once each; `PRAGMA user_version` records how many ran. Append
 * new steps at the end, never edit a shipped one: data folders in the field have run them.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     token_generation INTEGER NOT NULL DEFAULT 0
   ) STRICT;`,
];

/**
 * Opens the service's database: a file `service.db` in `dataDir` (WAL journal, so readers do not
 * block the writer and a killed process loses no committed write), or an in-memory one.
 */
export function openDatabase(dataDir: string | undefined, extraMigrations: string[] = []): Db {
  let db: Db;
  if (dataDir === undefined) {
    db = new Database(':memory:');
  } else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'service.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, [...MIGRATIONS, ...extraMigrations]);
  return db;
}

function migrate(db: Db, steps: string[]): void {
  const done = db.pragma('user_version', { simple: true }) as number;
  if (done > steps.length) {
    throw new Error(
      `The data folder was written by a newer version of the service (schema ${done}, this one knows ${steps.length}).`,
    );
  }
  db.transaction(() => {
    for (let i = done; i < steps.length; i++) db.exec(steps[i]!);
    db.pragma(`user_version = ${steps.length}`);
  })();
}
