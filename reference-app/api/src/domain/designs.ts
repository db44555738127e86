import { AppError, ObjectMissing, notFound } from './errors';
import type {
  BusinessMetrics,
  Captcha,
  CaptchaContext,
  Clock,
  DesignRepository,
  ImageProcessor,
  ObjectStore,
} from './ports';
import { newId } from './tokens';
import type { Category, Design, Moderation, Page, Visibility } from './types';
import { type DesignView, toDesignView } from './cards';

export const PAGE_SIZE = 24;
/** How old a `processing` design without its original must be before it counts as abandoned. */
export const ORPHAN_AFTER_MS = 60_000;

export const originalKey = (id: string): string => `originals/${id}`;
export const displayKey = (id: string): string => `display/${id}.jpg`;
// Prefixes match the images bucket (reference-app/infra: CloudFront behaviours, IAM grants).
export const thumbKey = (id: string): string => `thumbnails/${id}.jpg`;
export const designIdFromOriginalKey = (key: string): string | undefined =>
  /^originals\/([A-Za-z0-9_-]{1,32})$/.exec(key)?.[1];

export interface UploadInput {
  file: Buffer;
  category: Category;
  visibility: Visibility;
  captcha: string | undefined;
  captchaContext: CaptchaContext;
}

export interface DesignServiceDeps {
  designs: DesignRepository;
  objects: ObjectStore;
  images: ImageProcessor;
  captcha: Captcha;
  clock: Clock;
  metrics: BusinessMetrics;
  /**
   * How long a gallery page may be served from memory (0 disables). The catalogue is public,
   * the same for everyone and changes rarely; a new design shows up within this time on other
   * instances and at once on the one that processed it.
   */
  catalogueCacheMs?: number;
}

export class DesignService {
  private readonly pages = new Map<string, { at: number; page: Promise<Page<DesignView>> }>();

  constructor(private readonly deps: DesignServiceDeps) {}

  list(category: Category | undefined, cursor: string | undefined): Promise<Page<DesignView>> {
    const ttl = this.deps.catalogueCacheMs ?? 0;
    if (ttl <= 0) return this.loadPage(category, cursor);
    const key = `${category ?? ''}|${cursor ?? ''}`;
    const now = this.deps.clock.now();
    const hit = this.pages.get(key);
    if (hit && now - hit.at < ttl) return hit.page;
    if (this.pages.size > 1000) this.pages.clear();
    const page = this.loadPage(category, cursor);
    this.pages.set(key, { at: now, page });
    page.catch(() => this.pages.delete(key));
    return page;
  }

  private async loadPage(category: Category | undefined, cursor: string | undefined): Promise<Page<DesignView>> {
    const decoded = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.deps.designs.listPublic({ category, cursor: decoded, limit: PAGE_SIZE + 1 });
    const items = rows.slice(0, PAGE_SIZE);
    const last = items[items.length - 1];
    return {
      items: items.map((d) => toDesignView(d, this.deps.objects)),
      nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor(last) : null,
    };
  }

  async get(id: string) {
    const d = await this.deps.designs.findById(id);
    if (!d) throw notFound('design');
    return {
      ...toDesignView(d, this.deps.objects),
      visibility: d.visibility,
      status: d.status,
      // What the uploader sees on the site: whether a public upload is in the gallery yet.
      moderation: d.moderation,
      reason: d.status === 'rejected' ? d.rejectReason : null,
    };
  }

  /** The moderator's queue: ready public uploads nobody has reviewed, oldest first. */
  async reviewQueue(): Promise<Array<DesignView & { createdAt: string }>> {
    const rows = await this.deps.designs.listForReview(PAGE_SIZE * 4);
    return rows.map((d) => ({ ...toDesignView(d, this.deps.objects), createdAt: new Date(d.createdAt).toISOString() }));
  }

  /** A moderator's decision; an approved public design shows in the gallery from the next page load. */
  async moderate(id: string, decision: Exclude<Moderation, 'pending'>) {
    if (!(await this.deps.designs.setModeration(id, decision))) throw notFound('design');
    this.pages.clear();
    return this.get(id);
  }

  /**
   * Accepts an upload after a header-only image check and the CAPTCHA; the pixels are decoded
   * later by the thumbnailer (object-created event), which marks the design ready or rejected.
   * The file is checked first: verifying spends the single-use solution, and a person whose file
   * is refused for a reason they can fix (not an image, too large) retries with the check they
   * already solved (issue 15). The check reads headers only, and the upload rate limit bounds it.
   */
  async upload(input: UploadInput): Promise<{ id: string; status: 'processing' }> {
    const { captcha, images, metrics } = this.deps;
    try {
      await images.inspect(input.file);
    } catch (err) {
      if (!images.isRejection(err)) throw err;
      metrics.upload('rejected', err.code);
      throw new AppError(err.code === 'file_too_large' ? 413 : 422, err.code, err.message);
    }
    const verdict = await captcha.verify(input.captcha, input.captchaContext);
    if (!verdict.ok) {
      metrics.upload('rejected', verdict.code);
      throw new AppError(verdict.code === 'captcha_missing' ? 400 : 403, verdict.code, verdict.message);
    }
    // From here on a failure is ours (the database, the object store): the solution is handed
    // back, so the retry needs no new proof of work.
    try {
      return await this.store(input);
    } catch (err) {
      await verdict.release().catch(() => undefined);
      throw err;
    }
  }

  private async store(input: UploadInput): Promise<{ id: string; status: 'processing' }> {
    const { objects, designs, metrics, clock } = this.deps;
    const id = newId();
    const design: Design = {
      id,
      category: input.category,
      title: `${input.category} upload`,
      visibility: input.visibility,
      status: 'processing',
      moderation: 'pending',
      rejectReason: null,
      originalKey: originalKey(id),
      displayKey: null,
      thumbKey: null,
      createdAt: clock.now(),
    };
    // Row first: the object-created event may fire before put() returns. If the object cannot be
    // stored the row goes again, so no design waits in `processing` for an original that never came.
    await designs.insert(design);
    try {
      await objects.put(originalKey(id), input.file, 'application/octet-stream');
    } catch (err) {
      // The answer (503) is counted by the HTTP metrics; the upload counter keeps its two outcomes.
      await designs.delete(id).catch(() => undefined);
      throw err;
    }
    metrics.upload('accepted');
    return { id, status: 'processing' };
  }

  /** The thumbnailer step for one uploaded original (idempotent: only `processing` designs change). */
  async process(id: string): Promise<'ready' | 'rejected' | 'skipped'> {
    const { designs, objects, images, metrics, clock } = this.deps;
    const design = await designs.findById(id);
    if (!design || design.status !== 'processing' || !design.originalKey) return 'skipped';
    // What the uploader waits for (slos/delivery.yaml, thumbnail freshness): upload to outcome,
    // including the time the event spent queued, not just the rendering.
    const seconds = () => (clock.now() - design.createdAt) / 1000;
    let original: Buffer;
    try {
      original = await objects.get(design.originalKey);
    } catch (err) {
      // Only a restart finds these (an upload cut off between its row and its object, or a
      // crash): tell the uploader instead of retrying a file that will never come. A young row
      // may still be getting its object from another instance, so it is left for the next sweep.
      if (!(err instanceof ObjectMissing) || clock.now() - design.createdAt < ORPHAN_AFTER_MS) throw err;
      await designs.markRejected(id, 'the upload did not complete; please upload the image again');
      metrics.thumbnail('rejected', seconds());
      return 'rejected';
    }
    try {
      const out = await images.render(original);
      await objects.put(displayKey(id), out.display, 'image/jpeg');
      await objects.put(thumbKey(id), out.thumbnail, 'image/jpeg');
      await designs.markReady(id, displayKey(id), thumbKey(id));
      this.pages.clear();
      metrics.thumbnail('ready', seconds());
      return 'ready';
    } catch (err) {
      if (!images.isRejection(err)) throw err;
      // Store nothing we refused (deleted before the status flips, so "rejected" means gone).
      await objects.delete(design.originalKey);
      await designs.markRejected(id, err.message);
      metrics.thumbnail('rejected', seconds());
      return 'rejected';
    }
  }
}

function encodeCursor(d: Pick<Design, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([d.createdAt, d.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'number' && Number.isSafeInteger(createdAt) && typeof id === 'string' && id.length <= 32) {
      return { createdAt, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(400, 'invalid_cursor', 'cursor is not one this API returned', [
    { path: 'query.cursor', message: 'invalid cursor' },
  ]);
}
