/** In-process store for local runs and tests; `FileStore` persists it as JSON between CLI runs. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AlertStore, ClaimResult, StateKind, Versioned } from './store';

interface Claim {
  status: 'inflight' | 'done';
  leaseUntil: number;
  expiresAt: number;
}

interface Snapshot {
  claims: Record<string, Claim>;
  state: Record<string, { value: unknown; version: number; expiresAt?: number }>;
}

export class MemoryStore implements AlertStore {
  protected data: Snapshot = { claims: {}, state: {} };

  async claim(key: string, nowMs: number, leaseMs: number): Promise<ClaimResult> {
    const existing = this.data.claims[key];
    if (existing && existing.expiresAt * 1000 > nowMs) {
      if (existing.status === 'done') return 'done';
      if (existing.leaseUntil > nowMs) return 'busy';
    }
    this.data.claims[key] = {
      status: 'inflight',
      leaseUntil: nowMs + leaseMs,
      expiresAt: Math.ceil((nowMs + leaseMs) / 1000) + 3600,
    };
    this.changed();
    return 'claimed';
  }

  async complete(key: string, nowMs: number, ttlSeconds: number): Promise<void> {
    this.data.claims[key] = { status: 'done', leaseUntil: 0, expiresAt: Math.ceil(nowMs / 1000) + ttlSeconds };
    this.changed();
  }

  async release(key: string): Promise<void> {
    delete this.data.claims[key];
    this.changed();
  }

  async get<T>(kind: StateKind, key: string): Promise<Versioned<T> | undefined> {
    const rec = this.data.state[`${kind}/${key}`];
    return rec ? { value: structuredClone(rec.value) as T, version: rec.version } : undefined;
  }

  async put<T>(kind: StateKind, key: string, value: T, expectedVersion: number, expiresAt?: number): Promise<boolean> {
    const id = `${kind}/${key}`;
    if ((this.data.state[id]?.version ?? 0) !== expectedVersion) return false;
    this.data.state[id] = { value: structuredClone(value), version: expectedVersion + 1, expiresAt };
    this.changed();
    return true;
  }

  async delete(kind: StateKind, key: string, expectedVersion: number): Promise<boolean> {
    const id = `${kind}/${key}`;
    if ((this.data.state[id]?.version ?? 0) !== expectedVersion) return false;
    delete this.data.state[id];
    this.changed();
    return true;
  }

  async list<T>(kind: StateKind): Promise<Array<{ key: string; record: Versioned<T> }>> {
    const prefix = `${kind}/`;
    return Object.entries(this.data.state)
      .filter(([id]) => id.startsWith(prefix))
      .map(([id, rec]) => ({
        key: id.slice(prefix.length),
        record: { value: structuredClone(rec.value) as T, version: rec.version },
      }));
  }

  protected changed(): void {}
}

/** MemoryStore saved to a JSON file after every change (atomic rename), so `sre alerts replay` runs can chain. */
export class FileStore extends MemoryStore {
  constructor(private readonly path: string) {
    super();
    try {
      this.data = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`state file ${path}: ${(err as Error).message}`);
    }
  }

  protected override changed(): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.data));
    renameSync(`${this.path}.tmp`, this.path);
  }
}
