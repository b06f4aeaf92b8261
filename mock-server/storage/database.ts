import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/**
 * Schema changes, applied in order once each; `PRAGMA user_version` records how many ran. Append
 * new steps at the end, never edit a shipped one: data folders in the field have run them.
 */
const MIGRATIONS: string[] = [
  // 1: identity
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     token_generation INTEGER NOT NULL DEFAULT 0
   ) STRICT;`,
  // 2: real-time channel: per-user event sequence and the events kept for resumption
  `CREATE TABLE user_event_seq (
     user_id TEXT PRIMARY KEY,
     last_seq INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE events (
     user_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     name TEXT NOT NULL,
     data TEXT NOT NULL,
     created_on INTEGER NOT NULL,
     PRIMARY KEY (user_id, seq)
   ) STRICT, WITHOUT ROWID;`,
  // 3: chat
  `CREATE TABLE chat_threads (
     id TEXT PRIMARY KEY,
     topic TEXT NOT NULL,
     created_on INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     metadata TEXT,
     retention_policy TEXT,
     last_message_on INTEGER NOT NULL,
     updated_on INTEGER NOT NULL,
     next_sequence_id INTEGER NOT NULL DEFAULT 1
   ) STRICT;
   CREATE TABLE chat_thread_idempotency (
     creator TEXT NOT NULL,
     token TEXT NOT NULL,
     thread_id TEXT NOT NULL REFERENCES chat_threads(id) ON DELETE CASCADE,
     PRIMARY KEY (creator, token)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE chat_participants (
     thread_id TEXT NOT NULL REFERENCES chat_threads(id) ON DELETE CASCADE,
     raw_id TEXT NOT NULL,
     display_name TEXT,
     share_history_time INTEGER NOT NULL DEFAULT 0,
     metadata TEXT,
     joined_on INTEGER NOT NULL,
     PRIMARY KEY (thread_id, raw_id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX chat_participants_by_user ON chat_participants (raw_id);
   CREATE TABLE chat_messages (
     thread_id TEXT NOT NULL REFERENCES chat_threads(id) ON DELETE CASCADE,
     id TEXT NOT NULL,
     sequence_id INTEGER NOT NULL,
     type TEXT NOT NULL,
     content TEXT,
     sender TEXT,
     sender_display_name TEXT,
     created_on INTEGER NOT NULL,
     edited_on INTEGER,
     deleted_on INTEGER,
     version TEXT NOT NULL,
     metadata TEXT,
     PRIMARY KEY (thread_id, id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX chat_messages_by_sequence ON chat_messages (thread_id, sequence_id);
   CREATE INDEX chat_messages_by_sender ON chat_messages (sender);
   CREATE TABLE chat_read_receipts (
     thread_id TEXT NOT NULL REFERENCES chat_threads(id) ON DELETE CASCADE,
     raw_id TEXT NOT NULL,
     message_id TEXT NOT NULL,
     read_on INTEGER NOT NULL,
     PRIMARY KEY (thread_id, raw_id)
   ) STRICT, WITHOUT ROWID;`,
  // 4: calling: each user's call history
  `CREATE TABLE call_history (
     user_id TEXT NOT NULL,
     call_id TEXT NOT NULL,
     direction TEXT NOT NULL,
     peers TEXT NOT NULL,
     started_on INTEGER NOT NULL,
     connected_on INTEGER,
     ended_on INTEGER NOT NULL,
     end_code INTEGER NOT NULL,
     end_sub_code INTEGER NOT NULL,
     PRIMARY KEY (user_id, call_id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX call_history_by_time ON call_history (user_id, ended_on);`,
  // 5: telephony: numbers acquired from the simulated pool, and the user each rings
  `CREATE TABLE phone_numbers (
     number TEXT PRIMARY KEY,
     country_code TEXT NOT NULL,
     acquired_on INTEGER NOT NULL,
     assigned_to TEXT
   ) STRICT;
   CREATE INDEX phone_numbers_by_user ON phone_numbers (assigned_to);
   CREATE TABLE sms_messages (
     id TEXT PRIMARY KEY,
     from_number TEXT NOT NULL,
     to_number TEXT NOT NULL,
     message TEXT NOT NULL,
     tag TEXT,
     sent_on INTEGER NOT NULL,
     delivery_status TEXT NOT NULL,
     recipient_user TEXT,
     sender_user TEXT
   ) STRICT;
   CREATE INDEX sms_by_recipient ON sms_messages (recipient_user);
   CREATE INDEX sms_by_sender ON sms_messages (sender_user);`,
  // 6: calling applications: identities that act with the access key, never with a user token
  `CREATE TABLE applications (
     id TEXT PRIMARY KEY,
     display_name TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;`,
  // 7: when each user's latest token expires (the demo recycles numbers of users long gone)
  `ALTER TABLE users ADD COLUMN last_token_expires_on INTEGER;`,
  // 8: real-time channel: bytes of each user's retained events, so the log is bounded in bytes too
  `ALTER TABLE user_event_seq ADD COLUMN retained_bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE user_event_seq SET retained_bytes =
     (SELECT COALESCE(SUM(length(CAST(data AS BLOB))), 0) FROM events WHERE events.user_id = user_event_seq.user_id);`,
  // 9: real-time channel: the chat thread and message an event is about, so an edit or a delete can
  // redact the copies of the old content in every recipient's events by index, not by a JSON scan
  `ALTER TABLE events ADD COLUMN thread_id TEXT;
   ALTER TABLE events ADD COLUMN message_id TEXT;
   UPDATE events SET thread_id = json_extract(data, '$.threadId'),
     message_id = CASE WHEN name IN ('chatMessageReceived', 'chatMessageEdited', 'chatMessageDeleted')
       THEN json_extract(data, '$.id') END
     WHERE name LIKE 'chat%' OR name IN ('participantsAdded', 'participantsRemoved', 'readReceiptReceived');
   CREATE INDEX events_by_thread ON events (thread_id, message_id) WHERE thread_id IS NOT NULL;`,
  // 10: identity: the application's own id for a user (identity API preview `customId`), one user each
  `ALTER TABLE users ADD COLUMN custom_id TEXT;
   CREATE UNIQUE INDEX users_by_custom_id ON users (custom_id) WHERE custom_id IS NOT NULL;`,
  // 11: SMS opt-outs: a recipient that opted out of messages from one of the resource's numbers
  `CREATE TABLE sms_optouts (
     from_number TEXT NOT NULL,
     to_number TEXT NOT NULL,
     created_on INTEGER NOT NULL,
     PRIMARY KEY (from_number, to_number)
   ) STRICT, WITHOUT ROWID;`,
  // 12: phone numbers as an inventory: each number's type, assignment and capabilities; searches that
  // hold numbers until they expire or are purchased; the long-running operations the admin API reports
  `ALTER TABLE phone_numbers ADD COLUMN phone_number_type TEXT NOT NULL DEFAULT 'geographic';
   ALTER TABLE phone_numbers ADD COLUMN assignment_type TEXT NOT NULL DEFAULT 'application';
   ALTER TABLE phone_numbers ADD COLUMN calling TEXT NOT NULL DEFAULT 'inbound+outbound';
   ALTER TABLE phone_numbers ADD COLUMN sms TEXT NOT NULL DEFAULT 'inbound+outbound';
   CREATE TABLE phone_number_searches (
     id TEXT PRIMARY KEY,
     country_code TEXT NOT NULL,
     phone_number_type TEXT NOT NULL,
     assignment_type TEXT NOT NULL,
     calling TEXT NOT NULL,
     sms TEXT NOT NULL,
     numbers TEXT NOT NULL,
     expires_on INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE phone_number_operations (
     id TEXT PRIMARY KEY,
     operation_type TEXT NOT NULL,
     status TEXT NOT NULL,
     resource_location TEXT,
     created_on INTEGER NOT NULL
   ) STRICT;`,
  // 13: phone-number reservations: numbers picked by browsing, held until purchased, deleted or expired
  `CREATE TABLE phone_number_reservations (
     id TEXT PRIMARY KEY,
     numbers TEXT NOT NULL,
     status TEXT NOT NULL,
     expires_on INTEGER NOT NULL
   ) STRICT;`,
  // 14: rooms: a time window and an invited set of users with roles; participants in the order
  // added (rowid), each user once per room; a create's Repeatability-Request-ID, kept with its room
  `CREATE TABLE rooms (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     valid_from INTEGER NOT NULL,
     valid_until INTEGER NOT NULL,
     pstn_dial_out_enabled INTEGER NOT NULL DEFAULT 0
   ) STRICT;
   CREATE TABLE room_participants (
     room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
     raw_id TEXT NOT NULL,
     role TEXT NOT NULL,
     UNIQUE (room_id, raw_id)
   ) STRICT;
   CREATE INDEX room_participants_by_user ON room_participants (raw_id);
   CREATE TABLE room_repeatability (
     request_id TEXT PRIMARY KEY,
     room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX room_repeatability_by_room ON room_repeatability (room_id);`,
];

/**
 * Opens the service's database: a file `service.db` in `dataDir` (WAL journal, so readers do not
 * block the writer and a killed process loses no committed write), or an in-memory one.
 */
export function openDatabase(dataDir: string | undefined): Db {
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
  // Deleted and overwritten content (a deleted or edited chat message) is zeroed in the file, not
  // left in free pages where anyone with the data folder could read it back.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, MIGRATIONS);
  return db;
}

function migrate(db: Db, steps: string[]): void {
  const done = db.pragma('user_version', { simple: true }) as number;
  if (done > steps.length) {
    throw new Error(`The data folder was written by a newer version of the service (schema ${done}, this one knows ${steps.length}).`);
  }
  db.transaction(() => {
    for (let i = done; i < steps.length; i++) db.exec(steps[i]!);
    db.pragma(`user_version = ${steps.length}`);
  })();
}
