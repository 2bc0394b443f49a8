// A SQLite store's connection that can be closed and opened again on the same path, so a snapshot
// restore can put another file in the store's place while the server runs (store/snapshots.ts): every
// Store of this process on that file, in any thread (the API's, the runner's), stays valid.
//
// The Stores of a file talk over one BroadcastChannel. The restorer closes its own connection and
// asks the others to pause; each waits for its own work on the connection to end (it takes Kysely's
// single connection, so no query or transaction is under way), closes, and opens again when told to
// resume. The restorer moves the new file in only once its probe finds the file open nowhere else
// (leaving WAL mode needs every other connection gone, in any process); otherwise nothing changes.
// Code reading the raw handle directly checks `open` first and otherwise goes through Kysely, which
// waits.
import { randomUUID } from 'node:crypto';
import { chmodSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';

const CHANNEL = 'xtm.store.sqlite-swap';
/** How long a restorer waits for the other connections to close before giving up (nothing changes then). */
const SWAP_WAIT_MS = 5000;
/** A paused connection opens again after this long even when the restorer never said so (it died). */
const PAUSE_MAX_MS = 60_000;

/** How long a restorer collects the other Stores' answers to its pause before counting them. */
const ROLL_CALL_MS = 50;
/**
 * With no answer at all, how long before the file's other holder counts as another process (page copy):
 * a busy or starved thread's Store can answer well after the roll call (seen at ~50 ms under load on Node 24).
 */
const NO_ANSWER_MS = 1000;

type Message = { t: 'pause' | 'pausing' | 'paused' | 'resume'; location: string; id: string; from?: string };

export class SqliteHandle {
  private db: Database.Database;
  private statements = new Map<string, Database.Statement>();
  /** Pragmas set after opening, applied again to every new connection. */
  private readonly settings = new Map<string, string>();
  private channel: BroadcastChannel | undefined;
  /** Changes at every reopen: what was read or prepared on an earlier connection is stale. */
  generation = 0;
  private readonly name = randomUUID();
  /** The file, however its path was spelled: what the Stores on it compare. */
  private readonly file: string;
  private closed = false;
  private stopWaiting: () => void = () => undefined;
  /** While this Store restores: the other Stores' answers. */
  private answers: ((m: Message) => void) | undefined;

  constructor(readonly location: string, private readonly configure: (db: Database.Database) => void) {
    this.file = location === ':memory:' ? location : resolve(location);
    this.db = this.connect();
  }

  get current(): Database.Database {
    return this.db;
  }

  get open(): boolean {
    return this.db.open;
  }

  /** A prepared statement of the current connection, kept (the same few run on every request). */
  prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= 2000) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** `name = value`, now and on every later connection. */
  setPragma(name: string, value: string | number): void {
    this.settings.set(name, String(value));
    this.db.pragma(`${name} = ${value}`);
  }

  /**
   * What Kysely's SQLite driver holds as its database: every call goes to the current connection, and
   * prepare() to the statement cache. (Safe because xtm never iterates a result while re-running the
   * same statement.)
   */
  forKysely(): Database.Database {
    return new Proxy({} as Database.Database, {
      get: (_target, prop) => {
        if (prop === 'prepare') return (sql: string) => this.prepare(sql);
        const v = Reflect.get(this.db, prop, this.db) as unknown;
        return typeof v === 'function' ? v.bind(this.db) : v;
      },
    });
  }

  /** Answers other Stores' restores on this file (see the top of this file) until close(). */
  listen(kysely: Kysely<any>): void {
    if (this.location === ':memory:') return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.unref();
    this.channel = channel;
    const resumed = new Set<string>();
    const waiting = new Map<string, () => void>();
    this.stopWaiting = () => { for (const w of waiting.values()) w(); };
    channel.onmessage = (event) => {
      const m = (event as { data: Message }).data;
      if (m.location !== this.file) return;
      if (m.t === 'resume') {
        resumed.add(m.id);
        waiting.get(m.id)?.();
        return;
      }
      if (m.t !== 'pause') {
        this.answers?.(m);
        return;
      }
      const me = { location: this.file, id: m.id, from: this.name };
      channel.postMessage({ t: 'pausing', ...me } satisfies Message);
      void kysely.connection().execute(async () => {
        if (resumed.delete(m.id) || !this.open) return; // the restore ended (or gave up) before this turn came
        this.disconnect();
        channel.postMessage({ t: 'paused', ...me } satisfies Message);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, PAUSE_MAX_MS); // ref'd: a thread with nothing else to do stays to reconnect
          waiting.set(m.id, () => { clearTimeout(timer); resolve(); });
        });
        waiting.delete(m.id);
        resumed.delete(m.id);
        if (!this.closed) this.reconnect();
      }).catch(() => undefined); // a store closed meanwhile
    };
  }

  /**
   * Puts `replacement` in the store file's place (a rename) once every connection to the file is closed,
   * and reconnects. False, with nothing changed, when a connection stayed open (another process, or a
   * transaction that did not end within SWAP_WAIT_MS).
   */
  async swapIn(kysely: Kysely<any>, replacement: string): Promise<boolean> {
    const id = randomUUID();
    return kysely.connection().execute(async () => {
      const pausing = new Set<string>();
      const paused = new Set<string>();
      this.answers = (m) => {
        if (m.id !== id || !m.from) return;
        (m.t === 'pausing' ? pausing : paused).add(m.from);
      };
      this.disconnect();
      this.channel?.postMessage({ t: 'pause', location: this.file, id } satisfies Message);
      let alone = false;
      try {
        await new Promise((r) => setTimeout(r, ROLL_CALL_MS));
        // Until the probe finds the file free: given up at the deadline, or at once when every Store that
        // answered has closed and the file is still open (another process holds it) — with no answer at all,
        // after NO_ANSWER_MS.
        const silentUntil = Date.now() + NO_ANSWER_MS;
        for (const deadline = Date.now() + SWAP_WAIT_MS; ;) {
          const allClosed = pausing.size > 0 ? [...pausing].every((p) => paused.has(p)) : Date.now() > silentUntil;
          if ((alone = onlyConnection(this.location)) || allClosed || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        if (alone) {
          rmSync(`${this.location}-wal`, { force: true });
          rmSync(`${this.location}-shm`, { force: true });
          renameSync(replacement, this.location);
          chmodSync(this.location, 0o600);
        }
      } finally {
        this.answers = undefined;
        try {
          this.reconnect();
        } finally {
          this.channel?.postMessage({ t: 'resume', location: this.file, id } satisfies Message);
        }
      }
      return alone;
    });
  }

  close(): void {
    this.closed = true;
    this.stopWaiting();
    this.channel?.close();
    this.channel = undefined;
    if (this.open) this.db.close();
  }

  private connect(): Database.Database {
    const db = new Database(this.location);
    try {
      this.configure(db);
      for (const [name, value] of this.settings) db.pragma(`${name} = ${value}`);
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  private disconnect(): void {
    this.statements.clear();
    this.db.close();
  }

  private reconnect(): void {
    this.db = this.connect();
    this.generation++;
  }
}

/**
 * True when no other connection has the file open, in this process or any other: leaving WAL mode
 * needs every other connection gone. The file is left in rollback-journal mode, its WAL checkpointed
 * and removed (a connection opening it sets WAL mode again).
 */
function onlyConnection(location: string): boolean {
  const probe = new Database(location, { fileMustExist: true, timeout: 0 });
  try {
    return probe.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch (e) {
    if (/^SQLITE_BUSY/.test(String((e as { code?: string }).code))) return false;
    throw e;
  } finally {
    probe.close();
  }
}
