/**
 * The drill: the loop up, steady light traffic, a full 5xx outage through GoodGreets' fault switch,
 * and the times from the fault to Prometheus's page alert, to Alertmanager's Slack post at the
 * stand-in, and to the alert resolving after the fault ends, against what `sre explain` promises.
 */
import { postDigest } from '@sre-kit/alert-router';
import {
  explainSlo,
  formatReview,
  reviewDataStart,
  reviewSlo,
  slackDigest,
  type Slo,
  type SloReview,
} from '@sre-kit/core';
import { prometheusReviewUnsupportedReason, readPrometheusSeries } from '../review/prometheus-source';
import type { Loop } from './up';

export interface DrillResult {
  readonly pageFiredAfterSeconds: number | null;
  readonly slackPostAfterSeconds: number | null;
  readonly resolvedAfterSeconds: number | null;
  readonly expectedDetectionSeconds: number;
  readonly engines: { prometheus: string; alertmanager: string };
}

export interface DrillOutcome {
  readonly result: DrillResult;
  /** `sre review --source prometheus` over the drill, as text. */
  readonly review: string;
  /** The webhook path on the stand-in the review's Slack digest was posted to. */
  readonly digestPath: string;
}

/**
 * Where the drill posts the SLO review digest: the team channel's webhook, the secret GoodGreets'
 * weekly SloReviewSchedule reads on AWS (the loop names each stand-in path after its secret).
 */
export const DIGEST_WEBHOOK_SECRET = 'goodgreets/slack/team';

export interface DrillOptions {
  /** Requests per second of background traffic. */
  readonly rps?: number;
  /** Traffic before the fault, so every window has samples. */
  readonly warmupSeconds?: number;
  /** Longest wait for the page and for the Slack post, from the fault. */
  readonly pageLimitSeconds?: number;
  readonly slackLimitSeconds?: number;
  /** Longest wait for the alert to resolve, from the end of the fault. */
  readonly resolveLimitSeconds?: number;
  readonly log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PromAlert {
  labels: Record<string, string>;
  state: string;
}

/** The name of the SLO's firing page alert in Prometheus (its rules carry the slo label), if any. */
async function firingPage(loop: Loop, slo: string): Promise<string | undefined> {
  const res = await fetch(`${loop.urls.prometheus}/api/v1/alerts`);
  const body = (await res.json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts.find(
    (a) => a.labels.slo === slo && a.labels.sloth_severity === 'page' && a.state === 'firing',
  )?.labels.alertname;
}

/** Alertmanager's Slack post naming the alert; `resolved` for the resolved one. */
function slackPost(loop: Loop, alertname: string, status: 'FIRING' | 'RESOLVED'): boolean {
  return loop.standin.posts.some((p) => {
    const text = JSON.stringify(p.payload);
    return text.includes(alertname) && text.includes(`[${status}`);
  });
}

/** The page tier's promised detection for a full outage plus the engines' delays. */
export function expectedDetection(slo: Slo, loop: Loop): { page: number; slack: number } {
  const tiers = explainSlo(slo).tiers.filter((t) => t.severity === 'page' && t.fullOutage.detectionSeconds !== null);
  if (tiers.length === 0) throw new Error(`SLO ${slo.name} has no page tier that fires on a full outage`);
  const detect = Math.min(...tiers.map((t) => t.fullOutage.detectionSeconds as number));
  const groupWait = loop.specs.routings[0]?.route.groupWaitSeconds ?? 0;
  // One scrape to see the errors, then two evaluations: the SLI recording rules, then the alert reading them.
  const page = detect + loop.intervalSeconds * 3;
  return { page, slack: page + groupWait };
}

/**
 * The review of the drill's range from the loop's Prometheus: what the outage spent of the budget, for
 * every loop SLO that saw traffic (the drill sends API requests only: no cards, no uploads).
 */
export async function reviewDrill(loop: Loop, from: number, to: number): Promise<SloReview[]> {
  // rate() over one step needs two scrapes inside it: three scrape intervals leave a margin.
  const step = loop.intervalSeconds * 3;
  const reviews: SloReview[] = [];
  for (const slo of loop.specs.slos) {
    if (prometheusReviewUnsupportedReason(slo)) continue;
    const series = await readPrometheusSeries(slo, {
      url: loop.urls.prometheus,
      from: reviewDataStart(slo, from, to),
      to,
      stepSeconds: step,
    });
    if (series.some((p) => p.total > 0)) reviews.push(reviewSlo(slo, series, { from, to, stepSeconds: step }));
  }
  return reviews;
}

export async function runDrill(loop: Loop, options: DrillOptions = {}): Promise<DrillOutcome> {
  const log = options.log ?? (() => undefined);
  const slo = loop.specs.slos.find((s) => s.name === 'api-availability');
  if (!slo) throw new Error('the loop specs have no api-availability SLO');
  let alertname = '';
  const expected = expectedDetection(slo, loop);
  const rps = options.rps ?? 5;
  let stopped = false;
  let sent = 0;
  const traffic = (async () => {
    while (!stopped) {
      const started = Date.now();
      await fetch(`${loop.urls.app}/api/v1/designs`)
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      sent++;
      await sleep(Math.max(0, 1000 / rps - (Date.now() - started)));
    }
  })();
  const setFault = async (fault: object | null): Promise<void> => {
    const res = await fetch(`${loop.urls.app}/_drill/fault`, {
      method: fault ? 'PUT' : 'DELETE',
      headers: { 'content-type': 'application/json' },
      ...(fault ? { body: JSON.stringify(fault) } : {}),
    });
    if (!res.ok) throw new Error(`fault switch answered ${res.status}: ${await res.text()}`);
  };
  const waitFor = async (what: () => Promise<boolean> | boolean, from: number, limit: number) => {
    while ((Date.now() - from) / 1000 < limit) {
      if (await what()) return (Date.now() - from) / 1000;
      await sleep(500);
    }
    return null;
  };
  try {
    const warmup = options.warmupSeconds ?? 4 * loop.intervalSeconds;
    log(`traffic: ${rps} requests/s to ${loop.urls.app}/api/v1/designs; warming up for ${warmup} s`);
    const drillStart = Math.floor(Date.now() / 1000);
    await sleep(warmup * 1000);
    const pageLimit = options.pageLimitSeconds ?? 180;
    const slackLimit = options.slackLimitSeconds ?? 240;
    await setFault({ errorRatio: 1, latencyMs: 0, durationSeconds: slackLimit + 60 });
    const fault = Date.now();
    log(
      `fault: every API request answers 500 (expected: page after ~${expected.page.toFixed(1)} s, ` +
        `Slack after ~${expected.slack.toFixed(1)} s)`,
    );
    const page = await waitFor(
      async () => !!(alertname = (await firingPage(loop, slo.name)) ?? alertname),
      fault,
      pageLimit,
    );
    log(
      page === null ? `page: not fired within ${pageLimit} s` : `page: ${alertname} firing after ${page.toFixed(1)} s`,
    );
    const slack = page === null ? null : await waitFor(() => slackPost(loop, alertname, 'FIRING'), fault, slackLimit);
    log(
      slack === null
        ? `slack: no post within ${slackLimit} s`
        : `slack: Alertmanager's post after ${slack.toFixed(1)} s`,
    );
    await setFault(null);
    const ended = Date.now();
    log('fault ended; waiting for the alert to resolve');
    const resolved =
      page === null
        ? null
        : await waitFor(
            async () => (await firingPage(loop, slo.name)) === undefined,
            ended,
            options.resolveLimitSeconds ?? 600,
          );
    log(
      resolved === null ? 'resolved: not within the limit' : `resolved: ${resolved.toFixed(1)} s after the fault ended`,
    );
    log(`requests sent: ${sent}`);
    // One more scrape and evaluation so the last buckets hold the recovery.
    await sleep(loop.intervalSeconds * 2000);
    const reviews = await reviewDrill(loop, drillStart, Math.floor(Date.now() / 1000));
    // The digest the weekly review posts on AWS, here from the drill's Prometheus data, through the same delivery code.
    const digestPath = `/${DIGEST_WEBHOOK_SECRET}`;
    await postDigest(`${loop.standin.url}${digestPath}`, slackDigest(reviews), { timeoutMs: 10_000 });
    log(
      `digest: the SLO review of ${reviews.map((r) => r.slo).join(', ')} posted to the Slack stand-in (${digestPath})`,
    );
    const result = {
      pageFiredAfterSeconds: page === null ? null : round(page),
      slackPostAfterSeconds: slack === null ? null : round(slack),
      resolvedAfterSeconds: resolved === null ? null : round(resolved),
      expectedDetectionSeconds: round(expected.page),
      engines: loop.engines,
    };
    return { result, review: formatReview(reviews, 'text'), digestPath };
  } finally {
    stopped = true;
    await traffic;
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
