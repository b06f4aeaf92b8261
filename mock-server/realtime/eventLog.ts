import type { Db } from '../storage/database.js';
import { wireIdentifierOf } from '../../src/common/identifierModels.js';

/**
 * The durable event log of the real-time channel (schema: migration 15 in storage/database.ts).
 *
 * Every event is stored once, at the next position of one global order, with its audience: the set
 * of users it is for. Audiences are few (one per membership of a thread, reused for every message
 * to it), so a message to a thread of 250 costs one row, not 250. A user's stream is the log
 * filtered by the audiences they are in, from their retention start (`from_pos`); their sequence
 * number of an event is `base_seq` plus its rank in that stream. Numbers are not stored per event:
 * they are counted, and held in memory per user once counted ({@link Stream}).
 *
 * An event whose data is NULL is a tombstone (its sender was deleted): still counted, never sent,
 * so every later number stays what it was.
 */

/** One user's position in the log, as counted from the database (and kept up as events are appended). */
interface Stream {
  /** Their oldest retained event is the first of their audiences at or after this position. */
  fromPos: number;
  /** Their number of the event before that one (the events pruned for them). */
  baseSeq: number;
  /** Their newest number. */
  lastSeq: number;
  /** Bytes of their copies of the retained events (what the byte bound limits). */
  bytes: number;
  /** Their identifier as the `recipient` field of addressed events (JSON). */
  recipient: string;
  /**
   * Bytes the recipient field adds to an addressed copy: not sent (the client fills it in), but
   * counted, so the bound is on the events as the client holds them.
   */
  extra: number;
}

/** An event as appended: where it is, and each recipient's number of it. */
export interface AppendedEvent {
  pos: number;
  name: string;
  /** The payload's JSON, without the recipient field. */
  data: string;
  addressed: boolean;
  recipients: { userId: string; seq: number }[];
}

/** A row of a user's stream, for replay. */
export interface StreamRow {
  pos: number;
  name: string;
  /** NULL for a tombstone. */
  data: string | null;
  addressed: number;
}

export interface EventLogLimits {
  retainedEventsPerUser: number;
  retainedBytesPerUser: number;
}

/** Where a replay starts: after position `pos`, which is the user's number `seq`. */
export interface StreamCursor {
  pos: number;
  seq: number;
}

const RECIPIENT_FIELD_BYTES = Buffer.byteLength(',"recipient":');
/** Prune a user's stream by count once per this many of their events (not on every one). */
const PRUNE_EVERY = 100;
/**
 * Collect an audience's events no one retains once about every member has pruned (the events before
 * the last one's retention start are then deletable), or after this many prunes in a large one.
 */
const COLLECT_EVERY = 16;
/** Streams and audiences held in memory at most; past it, the caches start over (they are only caches). */
const CACHE_LIMIT = 50_000;

export class EventLog {
  readonly #limits: EventLogLimits;
  readonly #q;
  readonly #streams = new Map<string, Stream>();
  /** Audience id by its members (in the order given, joined). */
  readonly #audiences = new Map<string, number>();
  /** The keys of {@link #audiences} by id, to forget an audience that is dropped. */
  readonly #audienceKeys = new Map<number, string>();
  readonly #prunesSinceCollect = new Map<number, number>();
  readonly #memberCounts = new Map<number, number>();
  #nextAudience: number | undefined;
  /** Bumped on every change to the caches, so a rolled-back write knows to drop them. */
  #version = 0;

  constructor(db: Db, limits: EventLogLimits) {
    this.#limits = limits;
    const inStream = 'audience IN (SELECT audience FROM event_audiences WHERE user_id = ?)';
    this.#q = {
      maxAudience: db.prepare('SELECT COALESCE(MAX(audience), 0) AS n FROM event_audiences'),
      addMember: db.prepare('INSERT INTO event_audiences (audience, user_id) VALUES (?, ?)'),
      append: db.prepare(
        `INSERT INTO event_log (audience, name, data, size, addressed, created_on, thread_id, message_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      stream: db.prepare('SELECT from_pos, base_seq, recipient FROM event_streams WHERE user_id = ?'),
      newStream: db.prepare('INSERT INTO event_streams (user_id, from_pos, base_seq, recipient) VALUES (?, ?, 0, ?)'),
      moveStream: db.prepare('UPDATE event_streams SET from_pos = ?, base_seq = ? WHERE user_id = ?'),
      count: db.prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS size, COALESCE(SUM(addressed), 0) AS addressed
         FROM event_log WHERE pos >= ? AND ${inStream}`,
      ),
      countThrough: db.prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS size, COALESCE(SUM(addressed), 0) AS addressed
         FROM event_log WHERE pos >= ? AND pos <= ? AND ${inStream}`,
      ),
      nth: db.prepare(`SELECT pos FROM event_log WHERE pos >= ? AND ${inStream} ORDER BY pos LIMIT 1 OFFSET ?`),
      sizes: db.prepare(`SELECT pos, size, addressed FROM event_log WHERE pos >= ? AND ${inStream} ORDER BY pos`),
      page: db.prepare(`SELECT pos, name, data, addressed FROM event_log WHERE pos > ? AND ${inStream} ORDER BY pos LIMIT ?`),
      audiencesOf: db.prepare('SELECT audience FROM event_audiences WHERE user_id = ?'),
      // An audience's events that are before every member's retention start: no one can be sent them.
      collect: db.prepare(
        `DELETE FROM event_log WHERE audience = ? AND pos < (
           SELECT COALESCE(MIN(s.from_pos), 9223372036854775807) FROM event_audiences a JOIN event_streams s ON s.user_id = a.user_id
           WHERE a.audience = ?)`,
      ),
      // An audience left with no events (its thread's membership changed since) is not needed.
      dropAudience: db.prepare(
        'DELETE FROM event_audiences WHERE audience = ? AND NOT EXISTS (SELECT 1 FROM event_log WHERE event_log.audience = ?)',
      ),
      membersOf: db.prepare('SELECT user_id FROM event_audiences WHERE audience = ?'),
      memberCount: db.prepare('SELECT COUNT(*) AS n FROM event_audiences WHERE audience = ?'),
      ofMessage: db.prepare('SELECT pos, audience, name, data, size, addressed FROM event_log WHERE thread_id = ? AND message_id = ?'),
      ofThread: db.prepare('SELECT pos, audience, name, data, size, addressed FROM event_log WHERE thread_id = ?'),
      rewrite: db.prepare('UPDATE event_log SET data = ?, size = ? WHERE pos = ?'),
      deleteMembership: db.prepare('DELETE FROM event_audiences WHERE user_id = ?'),
      deleteStream: db.prepare('DELETE FROM event_streams WHERE user_id = ?'),
      // What a user sent (message text, read receipts) is in the events of the others: tombstones.
      tombstoneSent: db.prepare(
        "UPDATE event_log SET data = NULL, size = 0, addressed = 0 WHERE data IS NOT NULL AND json_extract(data, '$.sender.rawId') = ?",
      ),
    };
  }

  /** A number that changes whenever the in-memory state changes (see {@link forget}). */
  get version(): number {
    return this.#version;
  }

  /**
   * Drops what is held in memory; it is counted again from the database when needed. After a
   * rolled-back write, the memory may be ahead of what the database kept.
   */
  forget(): void {
    this.#streams.clear();
    this.#audiences.clear();
    this.#audienceKeys.clear();
    this.#prunesSinceCollect.clear();
    this.#memberCounts.clear();
    this.#nextAudience = undefined;
    this.#version++;
  }

  /** A user's newest sequence number (0 before their first event). */
  lastSeq(userId: string): number {
    return this.#stream(userId)?.lastSeq ?? 0;
  }

  /**
   * Appends one event for `recipients` (distinct user ids); call inside a transaction. `data` is the
   * payload's JSON; `addressed` events are each recipient's with their own `recipient` field, which
   * their client fills in.
   */
  append(
    recipients: readonly string[],
    name: string,
    data: string,
    addressed: boolean,
    about: { threadId: string | null; messageId: string | null },
    now: number,
  ): AppendedEvent {
    const audience = this.#audience(recipients);
    // Counted before the event is in the log, or it would be counted twice.
    const streams = recipients.map((userId) => this.#stream(userId));
    const size = Buffer.byteLength(data);
    const pos = Number(
      this.#q.append.run(audience, name, data, size, addressed ? 1 : 0, now, about.threadId, about.messageId).lastInsertRowid,
    );
    this.#version++;
    const { retainedEventsPerUser, retainedBytesPerUser } = this.#limits;
    const numbered: { userId: string; seq: number }[] = [];
    for (const [index, userId] of recipients.entries()) {
      let stream = streams[index];
      if (!stream) {
        const recipient = JSON.stringify(wireIdentifierOf(userId));
        this.#q.newStream.run(userId, pos, recipient);
        stream = { fromPos: pos, baseSeq: 0, lastSeq: 0, bytes: 0, recipient, extra: RECIPIENT_FIELD_BYTES + Buffer.byteLength(recipient) };
        this.#cacheStream(userId, stream);
      }
      const seq = ++stream.lastSeq;
      stream.bytes += size + (addressed ? stream.extra : 0);
      numbered.push({ userId, seq });
      if (seq > retainedEventsPerUser && seq % PRUNE_EVERY === 0) this.#pruneThroughSeq(userId, stream, seq - retainedEventsPerUser);
      if (stream.bytes > retainedBytesPerUser) this.#pruneBytes(userId, stream, stream.bytes - retainedBytesPerUser, pos);
    }
    return { pos, name, data, addressed, recipients: numbered };
  }

  /**
   * Where a user's replay after their number `lastSeq` starts, and whether events after it were
   * pruned (`gap`). Undefined when there is nothing after it.
   */
  cursorAfter(userId: string, lastSeq: number): { cursor: StreamCursor; gap: boolean } | undefined {
    const stream = this.#stream(userId);
    if (!stream || lastSeq >= stream.lastSeq) return undefined;
    if (lastSeq <= stream.baseSeq) return { cursor: { pos: stream.fromPos - 1, seq: stream.baseSeq }, gap: lastSeq < stream.baseSeq };
    const row = this.#q.nth.get(stream.fromPos, userId, lastSeq - stream.baseSeq - 1) as { pos: number } | undefined;
    if (!row) throw new Error(`The event log has no event ${lastSeq} of ${userId} though it counts ${stream.lastSeq}.`);
    return { cursor: { pos: row.pos, seq: lastSeq }, gap: false };
  }

  /**
   * The next rows of a user's stream after `cursor`, at most `limit`. If the user's stream was pruned
   * past the cursor meanwhile, it moves the cursor to the oldest retained event and says so (`gap`).
   */
  page(userId: string, cursor: StreamCursor, limit: number): { rows: StreamRow[]; gap: boolean } {
    const stream = this.#stream(userId);
    let gap = false;
    if (stream && cursor.seq < stream.baseSeq) {
      cursor.pos = stream.fromPos - 1;
      cursor.seq = stream.baseSeq;
      gap = true;
    }
    return { rows: this.#q.page.all(cursor.pos, userId, limit) as StreamRow[], gap };
  }

  /**
   * Rewrites the stored events about one chat message (or, without `messageId`, a whole thread);
   * `rewrite` returns the new data or undefined to leave it. Call inside the transaction of the change.
   */
  rewrite(
    threadId: string,
    messageId: string | undefined,
    rewrite: (name: string, data: Record<string, unknown>) => Record<string, unknown> | undefined,
  ): void {
    const rows = (messageId === undefined ? this.#q.ofThread.all(threadId) : this.#q.ofMessage.all(threadId, messageId)) as {
      pos: number;
      audience: number;
      name: string;
      data: string | null;
      size: number;
    }[];
    for (const row of rows) {
      if (row.data === null) continue;
      const next = rewrite(row.name, JSON.parse(row.data) as Record<string, unknown>);
      if (next === undefined) continue;
      const json = JSON.stringify(next);
      if (json === row.data) continue;
      const size = Buffer.byteLength(json);
      this.#q.rewrite.run(json, size, row.pos);
      // The retained bytes of everyone who holds it change with it.
      for (const { user_id: userId } of this.#q.membersOf.all(row.audience) as { user_id: string }[]) {
        const stream = this.#streams.get(userId);
        if (stream && row.pos >= stream.fromPos) stream.bytes += size - row.size;
      }
      this.#version++;
    }
  }

  /** Removes a deleted user's stream, and what they sent from everyone else's (as tombstones). */
  deleteUser(userId: string): void {
    const audiences = (this.#q.audiencesOf.all(userId) as { audience: number }[]).map((row) => row.audience);
    this.#q.deleteStream.run(userId);
    this.#q.deleteMembership.run(userId);
    this.#q.tombstoneSent.run(userId);
    for (const audience of audiences) this.#collect(audience);
    this.forget();
  }

  #stream(userId: string): Stream | undefined {
    const cached = this.#streams.get(userId);
    if (cached) return cached;
    const row = this.#q.stream.get(userId) as { from_pos: number; base_seq: number; recipient: string } | undefined;
    if (!row) return undefined;
    const extra = RECIPIENT_FIELD_BYTES + Buffer.byteLength(row.recipient);
    const counted = this.#q.count.get(row.from_pos, userId) as { n: number; size: number; addressed: number };
    const stream: Stream = {
      fromPos: row.from_pos,
      baseSeq: row.base_seq,
      lastSeq: row.base_seq + counted.n,
      bytes: counted.size + counted.addressed * extra,
      recipient: row.recipient,
      extra,
    };
    this.#cacheStream(userId, stream);
    return stream;
  }

  #cacheStream(userId: string, stream: Stream): void {
    if (this.#streams.size >= CACHE_LIMIT) this.#streams.clear();
    this.#streams.set(userId, stream);
  }

  /** The audience of exactly these users: reused while a thread's membership stays the same. */
  #audience(recipients: readonly string[]): number {
    const key = recipients.join('\n');
    const known = this.#audiences.get(key);
    if (known !== undefined) return known;
    this.#nextAudience ??= (this.#q.maxAudience.get() as { n: number }).n + 1;
    const id = this.#nextAudience++;
    for (const userId of recipients) this.#q.addMember.run(id, userId);
    if (this.#audiences.size >= CACHE_LIMIT) {
      this.#audiences.clear();
      this.#audienceKeys.clear();
    }
    this.#audiences.set(key, id);
    this.#audienceKeys.set(id, key);
    this.#version++;
    return id;
  }

  /** Prunes a user's events numbered `seq` and below. */
  #pruneThroughSeq(userId: string, stream: Stream, seq: number): void {
    if (seq <= stream.baseSeq) return;
    const row = this.#q.nth.get(stream.fromPos, userId, seq - stream.baseSeq - 1) as { pos: number } | undefined;
    if (row) this.#pruneThroughPos(userId, stream, row.pos);
  }

  /** Prunes a user's oldest events until `excess` bytes are freed, never the newest (`newest`). */
  #pruneBytes(userId: string, stream: Stream, excess: number, newest: number): void {
    let freed = 0;
    let through = 0;
    for (const row of this.#q.sizes.iterate(stream.fromPos, userId) as IterableIterator<{ pos: number; size: number; addressed: number }>) {
      if (row.pos >= newest) break;
      freed += row.size + row.addressed * stream.extra;
      through = row.pos;
      if (freed >= excess) break;
    }
    if (through > 0) this.#pruneThroughPos(userId, stream, through);
  }

  /**
   * Deletes an audience's events no member retains, and the audience once it has none (the thread's
   * membership changed since: a later event for the same users makes a new one). The audience of an
   * event being appended always keeps that event, which is no one's to prune yet.
   */
  #collect(audience: number): void {
    this.#q.collect.run(audience, audience);
    if (this.#q.dropAudience.run(audience, audience).changes > 0) {
      const key = this.#audienceKeys.get(audience);
      if (key !== undefined) this.#audiences.delete(key);
      this.#audienceKeys.delete(audience);
      this.#memberCounts.delete(audience);
      this.#prunesSinceCollect.delete(audience);
      this.#version++;
    }
  }

  #memberCount(audience: number): number {
    let count = this.#memberCounts.get(audience);
    if (count === undefined) {
      count = (this.#q.memberCount.get(audience) as { n: number }).n;
      if (this.#memberCounts.size >= CACHE_LIMIT) this.#memberCounts.clear();
      this.#memberCounts.set(audience, count);
    }
    return count;
  }

  /** Moves a user's retention start past `pos`; events no member retains any more are deleted. */
  #pruneThroughPos(userId: string, stream: Stream, pos: number): void {
    const pruned = this.#q.countThrough.get(stream.fromPos, pos, userId) as { n: number; size: number; addressed: number };
    stream.baseSeq += pruned.n;
    stream.bytes -= pruned.size + pruned.addressed * stream.extra;
    stream.fromPos = pos + 1;
    this.#q.moveStream.run(stream.fromPos, stream.baseSeq, userId);
    this.#version++;
    for (const { audience } of this.#q.audiencesOf.all(userId) as { audience: number }[]) {
      const prunes = (this.#prunesSinceCollect.get(audience) ?? 0) + 1;
      if (prunes < Math.min(COLLECT_EVERY, this.#memberCount(audience))) {
        this.#prunesSinceCollect.set(audience, prunes);
        continue;
      }
      this.#prunesSinceCollect.delete(audience);
      this.#collect(audience);
    }
  }
}
