import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusinessMetrics } from './domain/ports';
import type { RouteObservation } from './route-emf';

/**
 * Prometheus metrics: RED per route (requests by status, duration histogram) and the business
 * events. One registry per app instance so tests can run several apps in one process.
 * Names are part of the contract with slos/ and dashboards/: change them together.
 */
export class Metrics implements BusinessMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly cards: Counter;
  private readonly messages: Counter;
  private readonly uploads: Counter<'result' | 'reason'>;
  private readonly deliveries: Counter<'result'>;
  private readonly deliveryLag: Histogram;
  private readonly thumbnails: Histogram<'result'>;
  /** Where else each request goes (on AWS: the per-route EMF for CloudWatch, route-emf.ts). */
  private readonly requestSinks: ((o: RouteObservation) => void)[] = [];

  constructor(defaults = true) {
    const registers = [this.registry];
    if (defaults) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.cards = new Counter({ name: 'goodgreets_cards_created_total', help: 'Cards created', registers });
    this.messages = new Counter({
      name: 'goodgreets_messages_added_total',
      help: 'Messages added to cards',
      registers,
    });
    this.uploads = new Counter({
      name: 'goodgreets_uploads_total',
      help: 'Design uploads by result (accepted|rejected) and rejection reason',
      labelNames: ['result', 'reason'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'goodgreets_deliveries_total',
      help: 'Card deliveries by result (sent|failed)',
      labelNames: ['result'],
      registers,
    });
    this.deliveryLag = new Histogram({
      name: 'goodgreets_delivery_lag_seconds',
      help: 'Seconds between a card send time and its email being handed to the mailer',
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers,
    });
    this.thumbnails = new Histogram({
      name: 'goodgreets_thumbnail_duration_seconds',
      help: 'Seconds from an upload to its thumbnails being ready (or the image refused), by result',
      labelNames: ['result'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.zeroSeries();
  }

  /**
   * Series the dashboards read start at 0: the CloudWatch agent publishes a counter's delta between
   * two scrapes, so a series born at 1 would lose its first event in CloudWatch.
   */
  private zeroSeries(): void {
    this.uploads.inc({ result: 'accepted' }, 0);
    for (const reason of ['captcha_missing', 'captcha_invalid', 'captcha_replayed'])
      this.uploads.inc({ result: 'rejected', reason }, 0);
    for (const result of ['sent', 'failed'] as const) this.deliveries.inc({ result }, 0);
  }

  onRequest(sink: (o: RouteObservation) => void): void {
    this.requestSinks.push(sink);
  }

  /** One answered request: the Prometheus RED series, and every sink. */
  request(o: RouteObservation): void {
    const labels = { method: o.method, route: o.route, status: String(o.status) };
    this.httpDuration.observe(labels, o.seconds);
    this.httpRequests.inc(labels);
    for (const sink of this.requestSinks) sink(o);
  }

  cardCreated(): void {
    this.cards.inc();
  }
  messageAdded(): void {
    this.messages.inc();
  }
  upload(result: 'accepted' | 'rejected', reason?: string): void {
    // No empty reason label on accepted uploads: the agent's [Environment, result] series carries them.
    this.uploads.inc(reason ? { result, reason } : { result });
  }
  delivery(result: 'sent' | 'failed', lagSeconds?: number): void {
    this.deliveries.inc({ result });
    if (lagSeconds !== undefined) this.deliveryLag.observe(Math.max(0, lagSeconds));
  }
  thumbnail(result: 'ready' | 'rejected', seconds: number): void {
    this.thumbnails.observe({ result }, seconds);
  }

  /** Reported only by the email-events Lambda (in EMF); the API never learns of bounces. */
  deliveryProblem(): void {}
}
