// Typed client for the GoodGreets HTTP API (issue 7). Every call goes to the same origin, so the
// site makes no third-party requests and works behind a strict CSP (`connect-src 'self'`).

/** `delivering`: delivery has started (messages are closed) but the email has not left yet. */
export type CardStatus = 'scheduled' | 'delivering' | 'sent' | 'cancelled' | 'failed';

/** Whether a moderator let a public upload into the gallery (uploads start `pending`). */
export type Moderation = 'pending' | 'approved' | 'rejected';

export interface Design {
  id: string;
  category: string;
  title: string;
  thumbnailUrl: string | null;
  imageUrl: string | null;
  /** Only on this browser's own public uploads: where they stand in review. */
  review?: Moderation;
}

export interface DesignPage {
  items: Design[];
  nextCursor: string | null;
}

export interface DesignStatus extends Partial<Design> {
  id: string;
  status: 'processing' | 'ready' | 'rejected' | string;
  visibility?: 'public' | 'private';
  moderation?: Moderation;
  reason?: string;
}

/** What the uploader is told about a public upload's place in the gallery. */
export const REVIEW_TEXT: Record<Moderation, string> = {
  pending: 'Waiting for review: it appears in the gallery once a moderator approves it.',
  approved: 'Approved: it appears in the gallery under its category.',
  rejected: 'Not approved for the gallery: you can still use it for your own cards.',
};

export interface NewCard {
  designId: string;
  recipientName: string;
  recipientEmail: string;
  senderName: string;
  senderEmail: string;
  sendAt: string;
  timeZone: string;
  /** The ALTCHA payload (under the AWS WAF the proof travels with the request itself). */
  captcha?: string;
}

export interface CreatedCard {
  id: string;
  shareToken: string;
  ownerToken: string;
  shareUrl: string;
  /** Whether the manage link also went to the sender's email address. */
  ownerLinkEmailed?: boolean;
}

export interface Message {
  /** Only in the owner's view: what the owner removes a message by. */
  id?: number;
  name: string;
  message: string;
  createdAt: string;
}

export interface SharedCard {
  design: Design | null;
  recipientName: string;
  senderName: string;
  sendAt: string;
  timeZone: string;
  /** The resolved instant (ISO, UTC); preferred over sendAt + timeZone when present. */
  sendAtUtc?: string;
  status: CardStatus;
  messages: Message[];
}

/**
 * What the mail provider reported after the card was sent: a bounce (the address does not accept
 * mail), a spam complaint, or a rejection; `detail` is plain text from the remote mail server. Or,
 * before it was sent, `send_failed`: the last attempt to hand the email over failed and delivery
 * is being retried (kept when the card ends `failed`).
 */
export interface DeliveryProblem {
  kind: 'bounced' | 'complained' | 'rejected' | 'send_failed';
  detail: string;
  at: string;
}

export interface OwnerCard extends SharedCard {
  id: string;
  recipientEmail?: string;
  senderEmail?: string;
  shareToken?: string;
  shareUrl?: string;
  /** When the email left (ISO, UTC); null until then. */
  sentAt?: string | null;
  deliveryProblem?: DeliveryProblem | null;
}

/** Which anti-spam check the API uses (GET /api/v1/captcha). */
export type CaptchaInfo =
  { provider: 'altcha'; challengeUrl: string } | { provider: 'aws-waf'; verifyUrl: string; immunitySeconds: number };

/** Code of the error for an upload that AWS WAF stopped because its CAPTCHA token is missing or expired. */
export const CAPTCHA_EXPIRED = 'captcha_expired';

export type CardPatch = Partial<Pick<NewCard, 'recipientName' | 'recipientEmail' | 'sendAt' | 'timeZone'>>;

/** A failed call: the API's `{"error":{"code","message","details"}}`, or a network/parse failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field name -> message, from error.details (several shapes are accepted, see fieldErrors). */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Normalises error.details into field -> message. The API documents `details` loosely, so this
 * accepts the shapes validators commonly produce: a list of `{path|field|param, message}` (path as a
 * string, dotted string or array) or an object mapping field -> message(s).
 */
export function fieldErrors(details: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: unknown, msg: unknown) => {
    const field = Array.isArray(key) ? key.filter((k) => typeof k === 'string').join('.') : String(key ?? '');
    const text = Array.isArray(msg) ? msg.map(String).join(' ') : typeof msg === 'string' ? msg : '';
    const name = field.replace(/^(body|\$)\.?/, '').replace(/^\//, '');
    // The API words field messages as "must be ...": start them with a capital for display.
    if (name && text && !(name in out)) out[name] = text.charAt(0).toUpperCase() + text.slice(1);
  };
  if (Array.isArray(details)) {
    for (const d of details) {
      if (d && typeof d === 'object') {
        const o = d as Record<string, unknown>;
        put(o.path ?? o.field ?? o.param ?? o.name ?? o.instancePath, o.message ?? o.msg);
      }
    }
  } else if (details && typeof details === 'object') {
    const o = details as Record<string, unknown>;
    const inner = o.fields ?? o.fieldErrors ?? o.errors;
    if (inner && typeof inner === 'object') return fieldErrors(inner);
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' || Array.isArray(v)) put(k, v);
      else if (v && typeof v === 'object' && 'message' in v) put(k, (v as { message: unknown }).message);
    }
  }
  return out;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (proxy error page, empty body): fall through to a generic message.
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  // AWS WAF answers a request without a valid CAPTCHA token itself, with a 405 HTML page that a
  // fetch cannot solve (the API never answers 405 without a JSON error).
  if (res.status === 405 && (res.headers.get('x-amzn-waf-action') === 'captcha' || !err || typeof err !== 'object')) {
    return new ApiError(
      405,
      CAPTCHA_EXPIRED,
      "Your human check has expired. Verify you're human again, then upload your picture.",
    );
  }
  if (err && typeof err === 'object') {
    return new ApiError(
      res.status,
      String(err.code ?? 'error'),
      String(err.message ?? `Request failed (${res.status})`),
      fieldErrors(err.details),
    );
  }
  const message =
    res.status === 429
      ? 'Too many requests. Please wait a moment and try again.'
      : res.status >= 500
        ? 'The server had a problem. Please try again in a moment.'
        : `Request failed (${res.status})`;
  return new ApiError(res.status, 'http_' + res.status, message);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key`: the API answers a repeat with the first answer instead of storing twice. */
  idempotencyKey?: string;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(path, { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Could not reach GoodGreets. Check your connection and try again.');
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;

// getRandomValues, unlike randomUUID, also works on a plain-http origin.
const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const keys = new Map<string, string>();

/**
 * One Idempotency-Key per submission: sending the same content again (after a network error or a
 * 503) reuses its key, so the API stores it once however often the person presses the button;
 * other content, or the same content after a success, is a new submission with a new key.
 */
async function submission<T>(what: string, send: (key: string) => Promise<T>): Promise<T> {
  let key = keys.get(what);
  if (!key) keys.set(what, (key = newKey()));
  const result = await send(key);
  keys.delete(what);
  return result;
}

/** What makes two uploads the same submission: the file and the choices, not the CAPTCHA answer. */
function uploadFingerprint(form: FormData): string {
  const parts: string[] = [];
  form.forEach((v, k) => {
    if (k === 'captcha') return;
    parts.push(typeof v === 'string' ? `${k}=${v}` : `${k}=${v.name}:${v.size}:${v.type}:${(v as File).lastModified}`);
  });
  return `upload\n${parts.join('\n')}`;
}

export const api = {
  listDesigns: (category: string, cursor?: string | null, signal?: AbortSignal) => {
    const q = new URLSearchParams();
    if (category) q.set('category', category);
    if (cursor) q.set('cursor', cursor);
    return request<DesignPage>(`/api/v1/designs?${q}`, { signal });
  },
  getDesign: (id: string, signal?: AbortSignal) => request<DesignStatus>(`/api/v1/designs/${enc(id)}`, { signal }),
  captchaInfo: (signal?: AbortSignal) => request<CaptchaInfo>('/api/v1/captcha', { signal }),
  uploadDesign: (form: FormData) =>
    submission(uploadFingerprint(form), (idempotencyKey) =>
      request<DesignStatus>('/api/v1/designs', { method: 'POST', body: form, idempotencyKey }),
    ),
  createCard: (card: NewCard) =>
    submission(`card\n${JSON.stringify(card)}`, (idempotencyKey) =>
      request<CreatedCard>('/api/v1/cards', { method: 'POST', body: card, idempotencyKey }),
    ),
  getShared: (shareToken: string, signal?: AbortSignal) =>
    request<SharedCard>(`/api/v1/shared/${enc(shareToken)}`, { signal }),
  addMessage: (shareToken: string, msg: { name: string; message: string }) =>
    submission(`message\n${shareToken}\n${JSON.stringify(msg)}`, (idempotencyKey) =>
      request<Message>(`/api/v1/shared/${enc(shareToken)}/messages`, { method: 'POST', body: msg, idempotencyKey }),
    ),
  getCard: (id: string, token: string, signal?: AbortSignal) =>
    request<OwnerCard>(`/api/v1/cards/${enc(id)}`, { token, signal }),
  updateCard: (id: string, token: string, patch: CardPatch) =>
    request<OwnerCard>(`/api/v1/cards/${enc(id)}`, { method: 'PATCH', body: patch, token }),
  cancelCard: (id: string, token: string) => request<unknown>(`/api/v1/cards/${enc(id)}`, { method: 'DELETE', token }),
  removeMessage: (id: string, token: string, messageId: number) =>
    request<unknown>(`/api/v1/cards/${enc(id)}/messages/${messageId}`, { method: 'DELETE', token }),
};

/** Human message for any thrown value (ApiError or not). */
/** An API message ("the file is not an image ...") as a sentence: capital first, full stop last. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong. Please try again.';
}

// The API's public card statuses.
export const isDelivering = (s: CardStatus) => s === 'delivering';
export const isSent = (s: CardStatus) => s === 'sent';
export const isCancelled = (s: CardStatus) => s === 'cancelled';
export const isOpen = (s: CardStatus) => s === 'scheduled';
/** A sent card whose email bounced: the API takes a corrected address and a new time to send it again. */
export const canResend = (c: Pick<OwnerCard, 'status' | 'deliveryProblem'>) =>
  isSent(c.status) && c.deliveryProblem?.kind === 'bounced';
