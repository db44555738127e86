import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { ObjectMissing, storageUnavailable } from '../../domain/errors';
import type { ObjectStore } from '../../domain/ports';

export type ObjectCreatedListener = (key: string) => void;

/**
 * Objects as files under a root folder. Emits object-created events in process, the local
 * stand-in for S3 -> EventBridge.
 */
export class LocalObjectStore implements ObjectStore {
  /** Absolute folder holding the objects (served at /media for the derived images). */
  readonly root: string;
  private readonly listeners: ObjectCreatedListener[] = [];

  constructor(
    root: string,
    private readonly publicBaseUrl: string,
  ) {
    this.root = resolve(root);
  }

  onObjectCreated(listener: ObjectCreatedListener): void {
    this.listeners.push(listener);
  }

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.path(key);
    // Write then rename, so a reader never sees half a file; a random name so two writers of
    // one key never share a temp file.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(tmp, body);
      await rename(tmp, file);
    } catch (err) {
      // A full or read-only disk leaves a 0-byte temp file behind writeFile: remove it.
      await rm(tmp, { force: true }).catch(() => undefined);
      throw storageUnavailable(err);
    }
    for (const listener of this.listeners) listener(key);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectMissing(key, err);
      throw err;
    }
  }

  async stream(key: string): Promise<Readable> {
    return createReadStream(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  url(key: string): string {
    return `${this.publicBaseUrl}/${key}`;
  }

  /** Resolves a key inside the root; keys come from our code, but never let one escape. */
  path(key: string): string {
    const file = resolve(this.root, key);
    if (!file.startsWith(this.root + sep) || !/^[a-z]+\/[A-Za-z0-9_.-]+$/.test(key))
      throw new Error(`invalid object key ${key}`);
    return join(file);
  }
}
