import { createConnection, type Socket } from 'node:net';
import { EMF_NAMESPACE } from './emf';

/**
 * Per-route RED for CloudWatch: the API's request count and latency by method, route template and
 * status class, sent as embedded-metric-format documents to the CloudWatch agent's EMF listener
 * (TCP, the sidecar in the same task). The agent's Prometheus scrape cannot carry these: it drops
 * histograms, and one dimension per status code would multiply the custom metrics billed.
 *
 * Observations are buffered per series and flushed once a minute (or at 100 values, the most one
 * EMF metric may hold), so the log volume grows with routes in use, not with requests. Latency
 * goes out as the raw values, which lets CloudWatch compute any percentile across tasks.
 */
export const ROUTE_METRICS = {
  requests: { name: 'http_requests_total', unit: 'Count' },
  duration: { name: 'http_request_duration_seconds', unit: 'Seconds' },
} as const;
/** Requests by route and status class, and by route alone (rate without a sum over classes). */
export const ROUTE_REQUEST_DIMENSIONS = [
  ['Environment', 'method', 'route', 'status_class'],
  ['Environment', 'method', 'route'],
] as const;
/** Latency by route across status classes: percentiles cannot be merged afterwards. */
export const ROUTE_DURATION_DIMENSIONS = [['Environment', 'method', 'route']] as const;
/** The most values one EMF metric member may hold. */
export const EMF_MAX_VALUES = 100;

/** Methods outside this set share one value, so odd verbs cannot mint metrics. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

export interface RouteObservation {
  readonly method: string;
  /** The route template (or the app's two labels for unmatched requests): already bounded. */
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
}

export interface RouteEmfOptions {
  readonly environment: string;
  /** Log group the agent writes the documents to. */
  readonly logGroupName: string;
  readonly write: (line: string) => void;
  readonly now?: () => number;
}

export class RouteEmf {
  private readonly series = new Map<string, { labels: Record<string, string>; values: number[] }>();

  constructor(private readonly options: RouteEmfOptions) {}

  record(o: RouteObservation): void {
    const labels = {
      method: METHODS.has(o.method) ? o.method : 'OTHER',
      route: o.route,
      status_class: statusClass(o.status),
    };
    const key = `${labels.method} ${labels.route} ${labels.status_class}`;
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { labels, values: [] }));
    entry.values.push(Math.max(0, o.seconds));
    if (entry.values.length >= EMF_MAX_VALUES) this.emit(entry.labels, entry.values.splice(0));
  }

  /** Sends every buffered value; series without requests since the last flush send nothing. */
  flush(): void {
    for (const [key, entry] of this.series) {
      if (entry.values.length > 0) this.emit(entry.labels, entry.values.splice(0));
      this.series.delete(key);
    }
  }

  private emit(labels: Record<string, string>, values: number[]): void {
    const { requests, duration } = ROUTE_METRICS;
    const document = {
      _aws: {
        Timestamp: (this.options.now ?? Date.now)(),
        LogGroupName: this.options.logGroupName,
        CloudWatchMetrics: [
          {
            Namespace: EMF_NAMESPACE,
            Dimensions: ROUTE_REQUEST_DIMENSIONS,
            Metrics: [{ Name: requests.name, Unit: requests.unit }],
          },
          {
            Namespace: EMF_NAMESPACE,
            Dimensions: ROUTE_DURATION_DIMENSIONS,
            Metrics: [{ Name: duration.name, Unit: duration.unit }],
          },
        ],
      },
      Environment: this.options.environment,
      ...labels,
      [requests.name]: values.length,
      [duration.name]: values,
    };
    this.options.write(`${JSON.stringify(document)}\n`);
  }
}

/**
 * A line writer to the agent's EMF TCP listener (`tcp://host:port`). Lines wait (up to
 * `maxPending`) while it connects, since the agent may start after the API; beyond that they are
 * dropped and counted: metrics must never hold up requests nor grow memory.
 */
export class AgentConnection {
  dropped = 0;
  private socket?: Socket;
  private connected = false;
  private pending: string[] = [];
  private readonly host: string;
  private readonly port: number;

  constructor(
    endpoint: string,
    private readonly maxPending = 1000,
  ) {
    const m = /^tcp:\/\/([^:/]+):(\d+)$/.exec(endpoint);
    if (!m) throw new Error(`EMF endpoint "${endpoint}" is not tcp://host:port (for example tcp://127.0.0.1:25888)`);
    this.host = m[1]!;
    this.port = Number(m[2]);
    this.connect();
  }

  write = (line: string): void => {
    if (this.connected && this.socket) {
      this.socket.write(line);
      return;
    }
    if (this.pending.length < this.maxPending) this.pending.push(line);
    else this.dropped++;
    this.connect();
  };

  private connect(): void {
    if (this.socket) return;
    const socket = createConnection({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.unref();
    socket.on('connect', () => {
      this.connected = true;
      for (const line of this.pending.splice(0)) socket.write(line);
    });
    // The next write reconnects; until then lines are dropped (counted).
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connected = false;
      this.socket = undefined;
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.end(() => resolve()));
  }
}
