import { Role } from '@smartgrid/auth';
import { AppendOptions, AuditEntry, AuditFilter, AuditLogStore, ChainHead, GENESIS_HASH, Transaction } from '@smartgrid/audit';
import type { TokenRevocation } from '@smartgrid/auth';
import {
  LoginThrottleStore, NewUser, progressiveDelaySeconds, ProgressivePolicy, ThrottlePolicy, ThrottleState, TokenRevocationOutbox, User, UserChanges,
  UsernameTakenError, UsersRepository,
} from '@smartgrid/users';

/**
 * In-memory doubles of the users and audit-log ports, for unit specs of the services. One
 * shared state stands for the one PostgreSQL database: a transaction snapshots it and puts it
 * back if the work throws, so "the change and its audit entries commit together" can be
 * checked without a server. Not concurrent: specs call one thing at a time.
 */
class InMemoryTransaction extends Transaction {}

interface State {
  users: Map<string, User>;
  entries: AuditEntry[];
  backlog: Set<number>;
  head: ChainHead;
  outbox: { id: number; revocation: TokenRevocation }[];
}

function copy(s: State): State {
  return { users: new Map(s.users), entries: [...s.entries], backlog: new Set(s.backlog), head: { ...s.head }, outbox: [...s.outbox] };
}

export class InMemoryUserManagementDb {
  state: State = { users: new Map(), entries: [], backlog: new Set(), head: { lastSeq: 0, lastHash: GENESIS_HASH }, outbox: [] };
  readonly users = new InMemoryUsersRepository(this);
  readonly revocationOutbox = new InMemoryTokenRevocationOutbox(this);
  readonly auditLog = new InMemoryAuditLogStore(this);
  /** Transactions opened so far (a spec can check that work ran inside one). */
  transactions = 0;

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const before = copy(this.state);
    this.transactions += 1;
    try {
      return await work(new InMemoryTransaction());
    } catch (e) {
      this.state = before;
      throw e;
    }
  }
}

export class InMemoryUsersRepository implements UsersRepository {
  constructor(private readonly db: InMemoryUserManagementDb) {}

  private get map(): Map<string, User> {
    return this.db.state.users;
  }

  async insert(user: NewUser): Promise<User> {
    if ([...this.map.values()].some((u) => u.username.toLowerCase() === user.username.toLowerCase())) throw new UsernameTakenError(user.username);
    const now = new Date();
    const stored: User = { ...user, tokenVersion: 0, createdAt: now, updatedAt: now };
    this.map.set(user.id, stored);
    return { ...stored };
  }

  async findById(id: string): Promise<User | null> {
    const u = this.map.get(id);
    return u ? { ...u } : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const u = [...this.map.values()].find((x) => x.username.toLowerCase() === username.toLowerCase());
    return u ? { ...u } : null;
  }

  async list(limit: number, afterUsername?: string): Promise<User[]> {
    return [...this.map.values()]
      .sort((a, b) => a.username.toLowerCase().localeCompare(b.username.toLowerCase()))
      .filter((u) => afterUsername === undefined || u.username.toLowerCase() > afterUsername.toLowerCase())
      .slice(0, limit);
  }

  async update(id: string, changes: UserChanges): Promise<User | null> {
    const u = this.map.get(id);
    if (!u) return null;
    const next: User = { ...u, ...changes, updatedAt: new Date() };
    this.map.set(id, next);
    return { ...next };
  }

  async delete(id: string): Promise<boolean> {
    return this.map.delete(id);
  }

  async count(): Promise<number> {
    return this.map.size;
  }

  async lockActiveAdmins(): Promise<string[]> {
    return [...this.map.values()].filter((u) => u.role === Role.Admin && !u.disabled).map((u) => u.id).sort();
  }

  async lockFirstAdminSeeding(): Promise<void> {}
}

export class InMemoryTokenRevocationOutbox implements TokenRevocationOutbox {
  private nextId = 1;

  constructor(private readonly db: InMemoryUserManagementDb) {}

  async add(revocations: readonly TokenRevocation[]): Promise<void> {
    for (const revocation of revocations) this.db.state.outbox.push({ id: this.nextId++, revocation });
  }

  async batch(limit: number): Promise<{ id: number; revocation: TokenRevocation }[]> {
    return this.db.state.outbox.slice(0, limit);
  }

  async remove(ids: readonly number[]): Promise<void> {
    this.db.state.outbox = this.db.state.outbox.filter((o) => !ids.includes(o.id));
  }
}

export class InMemoryAuditLogStore implements AuditLogStore {
  constructor(private readonly db: InMemoryUserManagementDb) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async append(build: (head: ChainHead, tx: Transaction) => AuditEntry[] | Promise<AuditEntry[]>, options: AppendOptions): Promise<AuditEntry[]> {
    const run = async (tx: Transaction) => {
      const entries = await build({ ...this.db.state.head }, tx);
      for (const e of entries) {
        // The database's trigger: each entry must extend the head.
        if (e.seq !== this.db.state.head.lastSeq + 1 || e.prevHash !== this.db.state.head.lastHash) throw new Error(`entry ${e.seq} does not extend the chain head`);
        this.db.state.entries.push({ ...e });
        this.db.state.head = { lastSeq: e.seq, lastHash: e.hash };
        if (options.enqueueMirror) this.db.state.backlog.add(e.seq);
      }
      return entries;
    };
    return options.tx ? run(options.tx) : this.db.transaction(run);
  }

  async existingIds(ids: string[]): Promise<Set<string>> {
    const wanted = new Set(ids);
    return new Set(this.db.state.entries.filter((e) => wanted.has(e.id)).map((e) => e.id));
  }

  async head(): Promise<ChainHead> {
    return { ...this.db.state.head };
  }

  inSnapshot<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return fn(new InMemoryTransaction());
  }

  async *readInOrder(_tx?: Transaction, pageSize = 5000): AsyncGenerator<AuditEntry[]> {
    const all = [...this.db.state.entries].sort((a, b) => a.seq - b.seq);
    for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
  }

  async find(f: AuditFilter): Promise<AuditEntry[]> {
    return [...this.db.state.entries]
      .filter(
        (e) =>
          (f.actor === undefined || e.actor === f.actor) &&
          (f.action === undefined || e.action === f.action) &&
          (f.resource === undefined || e.resource === f.resource) &&
          (f.from === undefined || e.occurredAt >= f.from) &&
          (f.to === undefined || e.occurredAt <= f.to) &&
          (f.beforeSeq === undefined || e.seq < f.beforeSeq) &&
          (f.fromSeq === undefined || e.seq >= f.fromSeq),
      )
      .sort((a, b) => b.seq - a.seq)
      .slice(0, f.limit);
  }

  async count(): Promise<number> {
    return this.db.state.entries.length;
  }

  async backlogBatch(limit: number): Promise<AuditEntry[]> {
    const seqs = [...this.db.state.backlog].sort((a, b) => a - b).slice(0, limit);
    return this.db.state.entries.filter((e) => seqs.includes(e.seq));
  }

  async removeFromBacklog(seqs: number[]): Promise<void> {
    for (const s of seqs) this.db.state.backlog.delete(s);
  }

  async noteBacklogFailure(): Promise<void> {}

  async enqueueAfter(seq: number): Promise<void> {
    for (const e of this.db.state.entries) if (e.seq > seq) this.db.state.backlog.add(e.seq);
  }

  async oldestPendingSeq(): Promise<number | null> {
    return this.db.state.backlog.size === 0 ? null : Math.min(...this.db.state.backlog);
  }

  async backlogSize(): Promise<number> {
    return this.db.state.backlog.size;
  }
}

/** Failure counters with the PostgreSQL store's window and lock rules, on a clock the spec controls. */
export class InMemoryLoginThrottleStore implements LoginThrottleStore {
  private readonly rows = new Map<string, { failures: number; windowStarted: number; lockedUntil: number | null }>();

  constructor(private readonly now: () => number = Date.now) {}

  async states(keys: string[], windowSeconds: number): Promise<Map<string, ThrottleState>> {
    const now = this.now();
    const out = new Map<string, ThrottleState>();
    for (const k of keys) {
      const r = this.rows.get(k);
      if (!r) continue;
      const locked = r.lockedUntil !== null && r.lockedUntil > now ? Math.ceil((r.lockedUntil - now) / 1000) : 0;
      const failures = r.windowStarted >= now - windowSeconds * 1000 || locked > 0 ? r.failures : 0;
      if (failures > 0 || locked > 0) out.set(k, { failures, lockedForSeconds: locked });
    }
    return out;
  }

  async tryAttempt(key: string, p: ProgressivePolicy): Promise<{ allowed: boolean; attempts: number; retryAfterSeconds: number }> {
    const now = this.now();
    const r = this.rows.get(key) ?? { failures: 0, windowStarted: now, lockedUntil: null };
    if (r.lockedUntil !== null && r.lockedUntil > now) return { allowed: false, attempts: r.failures, retryAfterSeconds: Math.ceil((r.lockedUntil - now) / 1000) };
    const expired = r.windowStarted < now - p.windowSeconds * 1000;
    const attempts = expired ? 1 : r.failures + 1;
    const delay = progressiveDelaySeconds(attempts, p);
    this.rows.set(key, { failures: attempts, windowStarted: expired ? now : r.windowStarted, lockedUntil: delay > 0 ? now + delay * 1000 : null });
    return { allowed: true, attempts, retryAfterSeconds: 0 };
  }

  async recordFailure(key: string, p: ThrottlePolicy): Promise<{ failures: number; locked: boolean }> {
    const now = this.now();
    const r = this.rows.get(key);
    const fresh = !r || r.windowStarted < now - p.windowSeconds * 1000 || (r.lockedUntil !== null && r.lockedUntil <= now);
    const failures = fresh ? 1 : r.failures + 1;
    const lockedUntil = failures >= p.maxFailures ? now + p.lockSeconds * 1000 : fresh ? null : r.lockedUntil;
    this.rows.set(key, { failures, windowStarted: fresh ? now : r.windowStarted, lockedUntil });
    return { failures, locked: lockedUntil !== null && lockedUntil > now };
  }

  async clear(key: string): Promise<void> {
    this.rows.delete(key);
  }
}
