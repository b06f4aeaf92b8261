import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { wireIdentifierOf } from '../../src/common/identifierModels.js';

export type Db = Database.Database;

/**
 * Schema changes, applied in order once each; `PRAGMA user_version` records how many ran. Append
 * new steps at the end, never edit a shipped one: data folders in the field have run them. A step is
 * SQL, or a function for a step that moves data in ways SQL alone says badly.
 */
const MIGRATIONS: (string | ((db: Db) => void))[] = [
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
  // 15: real-time channel: one global log of events, each stored once with its audience, instead
  // of a copy per recipient (see mock-server/realtime/eventLog.ts)
  migrateToEventLog,
  // 16: the demo app's own directory of its people (mock-server/demo/demoPeople.ts; not ACS's)
  `CREATE TABLE demo_people (
     user_id TEXT PRIMARY KEY,
     display_name TEXT NOT NULL,
     last_seen INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX demo_people_by_last_seen ON demo_people (last_seen);`,
];

/**
 * Step 15. The event log: every durable event once, in one global order (`pos`), with the set of
 * users it is for (`audience`, rows in `event_audiences`). A user's stream is the log filtered by
 * the audiences they are in, from `event_streams.from_pos` (older ones are pruned for them); the
 * user's sequence number of an event is `base_seq` plus its rank in that stream. A deleted sender's
 * events are kept as tombstones (`data` NULL) so that every later sequence number stays as it was.
 * `addressed` events carry, in each recipient's copy, a last field `recipient` (the recipient's
 * identifier, `event_streams.recipient`), which is not stored with the event.
 *
 * `events` and `user_event_seq` stay, as views of what each user's stream holds: the copies the
 * channel replays, numbered as it numbers them, and each user's newest number and retained bytes.
 *
 * The old per-user copies move in as they are: each becomes an event of its own for its user alone
 * (an audience per user), holes in a user's numbers (events of deleted senders, pruned ones) become
 * tombstones, so every number a client holds still means the same event.
 */
function migrateToEventLog(db: Db): void {
  db.exec(`
    CREATE TABLE event_log (
      pos INTEGER PRIMARY KEY AUTOINCREMENT,
      audience INTEGER NOT NULL,
      name TEXT NOT NULL,
      data TEXT,
      size INTEGER NOT NULL,
      addressed INTEGER NOT NULL DEFAULT 0,
      created_on INTEGER NOT NULL,
      thread_id TEXT,
      message_id TEXT
    ) STRICT;
    CREATE INDEX event_log_by_audience ON event_log (audience, pos);
    CREATE INDEX event_log_by_thread ON event_log (thread_id, message_id) WHERE thread_id IS NOT NULL;
    CREATE TABLE event_audiences (
      audience INTEGER NOT NULL,
      user_id TEXT NOT NULL,
      PRIMARY KEY (audience, user_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX event_audiences_by_user ON event_audiences (user_id, audience);
    CREATE TABLE event_streams (
      user_id TEXT PRIMARY KEY,
      from_pos INTEGER NOT NULL,
      base_seq INTEGER NOT NULL,
      recipient TEXT NOT NULL
    ) STRICT;
  `);
  const users = db.prepare('SELECT user_id, last_seq FROM user_event_seq ORDER BY user_id').all() as {
    user_id: string;
    last_seq: number;
  }[];
  const rows = db.prepare('SELECT seq, name, data, created_on, thread_id, message_id FROM events WHERE user_id = ? ORDER BY seq');
  const audience = db.prepare('INSERT INTO event_audiences (audience, user_id) VALUES (?, ?)');
  const insert = db.prepare(
    'INSERT INTO event_log (audience, name, data, size, created_on, thread_id, message_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING pos',
  );
  const stream = db.prepare('INSERT INTO event_streams (user_id, from_pos, base_seq, recipient) VALUES (?, ?, ?, ?)');
  const now = Date.now();
  users.forEach(({ user_id: userId, last_seq: lastSeq }, index) => {
    const id = index + 1;
    audience.run(id, userId);
    const events = rows.all(userId) as {
      seq: number;
      name: string;
      data: string;
      created_on: number;
      thread_id: string | null;
      message_id: string | null;
    }[];
    const baseSeq = (events[0]?.seq ?? lastSeq + 1) - 1;
    let fromPos: number | undefined;
    let next = 0;
    for (let seq = baseSeq + 1; seq <= lastSeq; seq++) {
      const event = events[next]?.seq === seq ? events[next++] : undefined;
      const { pos } = (
        event
          ? insert.get(id, event.name, event.data, Buffer.byteLength(event.data), event.created_on, event.thread_id, event.message_id)
          : insert.get(id, '', null, 0, now, null, null)
      ) as { pos: number };
      fromPos ??= pos;
    }
    // A user whose every event is gone starts after everything there is.
    fromPos ??=
      ((db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'event_log'").get() as { seq: number } | undefined)?.seq ?? 0) + 1;
    stream.run(userId, fromPos, baseSeq, JSON.stringify(wireIdentifierOf(userId)));
  });
  db.exec(`
    DROP TABLE events;
    DROP TABLE user_event_seq;
    ${EVENT_VIEWS}
  `);
}

/**
 * Each user's copies of the events, as the channel replays them (`seq` counts tombstones, which are
 * left out), and each user's newest number and the bytes of what is retained for them.
 */
const EVENT_VIEWS = `
  CREATE VIEW events AS
    SELECT user_id, seq, name, data, created_on, thread_id, message_id FROM (
      SELECT s.user_id AS user_id,
             s.base_seq + ROW_NUMBER() OVER (PARTITION BY s.user_id ORDER BY l.pos) AS seq,
             l.name AS name,
             CASE WHEN l.addressed = 1 AND l.data IS NOT NULL
               THEN substr(l.data, 1, length(l.data) - 1) || ',"recipient":' || s.recipient || '}'
               ELSE l.data END AS data,
             l.created_on AS created_on, l.thread_id AS thread_id, l.message_id AS message_id
      FROM event_streams s
      JOIN event_audiences a ON a.user_id = s.user_id
      JOIN event_log l ON l.audience = a.audience AND l.pos >= s.from_pos
    ) WHERE data IS NOT NULL;
  CREATE VIEW user_event_seq AS
    SELECT s.user_id AS user_id,
           s.base_seq + (SELECT COUNT(*) FROM event_audiences a JOIN event_log l ON l.audience = a.audience
                         WHERE a.user_id = s.user_id AND l.pos >= s.from_pos) AS last_seq,
           (SELECT COALESCE(SUM(l.size + l.addressed * (13 + length(CAST(s.recipient AS BLOB)))), 0)
              FROM event_audiences a JOIN event_log l ON l.audience = a.audience
              WHERE a.user_id = s.user_id AND l.pos >= s.from_pos) AS retained_bytes
    FROM event_streams s;
`;

/**
 * Opens the service's database: a file `service.db` in `dataDir` (WAL journal, so readers do not
 * block the writer and a killed process loses no committed write), or an in-memory one.
 */
export function openDatabase(dataDir: string | undefined, options: { schemaVersion?: number } = {}): Db {
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
  // `schemaVersion` stops at an older schema: for tests that build a data folder of an older version.
  migrate(db, MIGRATIONS.slice(0, options.schemaVersion ?? MIGRATIONS.length));
  return db;
}

function migrate(db: Db, steps: (string | ((db: Db) => void))[]): void {
  const done = db.pragma('user_version', { simple: true }) as number;
  if (done > steps.length) {
    throw new Error(`The data folder was written by a newer version of the service (schema ${done}, this one knows ${steps.length}).`);
  }
  db.transaction(() => {
    for (let i = done; i < steps.length; i++) {
      const step = steps[i]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
    }
    db.pragma(`user_version = ${steps.length}`);
  })();
}
