// Runs the real local app (the API's `dist/main.js`, which also serves this site's `dist/`) on a
// free port with a throw-away DATA_DIR, and drives the system Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const WEB_DIR = resolve(__dirname, '../..');
export const API_MAIN = resolve(WEB_DIR, '../api/dist/main.js');
export const WEB_DIST = join(WEB_DIR, 'dist');
export const ARTIFACTS = join(WEB_DIR, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export interface RunningApp {
  url: string;
  dataDir: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** The moderator's token of the app under test: public uploads reach the gallery once approved. */
export const MODERATOR_TOKEN = 'e2e-moderator-token-0123456789-abcdefghij';

export async function startApp(): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'goodgreets-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [API_MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      // No PUBLIC_BASE_URL: links must follow the origin the browser uses (issue 15).
      WEB_DIST,
      LOG_LEVEL: 'warn',
      SCHEDULER_POLL_MS: '250',
      // Many page loads from one address in a few seconds are this suite, not abuse.
      RATE_LIMIT_WRITES_PER_MINUTE: '1000',
      RATE_LIMIT_UPLOADS_PER_MINUTE: '100',
      MODERATOR_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`app did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes('running at')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`app exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        let timer: NodeJS.Timeout | undefined;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--headless',
    ],
  });
}

/**
 * A browser context that records every console error, page error and request to another origin,
 * so each test can assert the site stayed within its CSP and made no third-party requests.
 */
export async function newContext(
  browser: Browser,
  base: string,
  kind: keyof typeof VIEWPORTS,
  timezoneId = 'Europe/Berlin',
) {
  const context = await browser.newContext({ ...VIEWPORTS[kind], timezoneId, locale: 'en-GB', baseURL: base });
  const problems: string[] = [];
  context.on('page', (page) => watch(page, base, problems));
  context.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:'))
      problems.push(`third-party request: ${u}`);
  });
  return { context, problems };
}

function watch(page: Page, _base: string, problems: string[]) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}

export async function shot(page: Page, name: string, kind: keyof typeof VIEWPORTS) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // From the top, so the sticky header is where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  // Nothing may stick out sideways: a page wider than the phone is a broken layout.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  if (overflow > 1) throw new Error(`${name} (${kind}) is ${overflow}px wider than the viewport`);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${kind}.png`), fullPage: true });
}

/** What the suite needs that is not built, as the message to fail with; undefined when ready. */
export function e2eMissing(): string | undefined {
  for (const [file, what] of [
    [API_MAIN, 'the API'],
    [join(WEB_DIST, 'index.html'), 'the site'],
  ]) {
    if (!existsSync(file))
      return `${file} is missing: ${what} is not built. Run \`npm run build\` at the repository root.`;
  }
  return undefined;
}

export type { Browser, BrowserContext, Page };

/**
 * One app and one Chromium for a describe block, started before its tests and stopped after.
 * An unbuilt checkout fails here rather than skipping: a skipped suite would pass having checked
 * nothing. Read `app` and `browser` inside tests (they are set once beforeAll ran).
 */
export function appForSuite(): { app: RunningApp; browser: Browser } {
  const suite = {} as { app: RunningApp; browser: Browser };
  beforeAll(async () => {
    const missing = e2eMissing();
    if (missing) throw new Error(missing);
    suite.app = await startApp();
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.stop();
  });
  return suite;
}

/**
 * Retrying assertions on a locator (jest's `expect` does not wait for the page). Each polls until
 * the condition holds or the timeout passes, then fails with what the page last showed.
 */
export function see(locator: Locator, timeout = 15_000) {
  const until = async (what: string, read: () => Promise<unknown>, ok: (v: unknown) => boolean) => {
    const deadline = Date.now() + timeout;
    let last: unknown;
    for (;;) {
      try {
        last = await read();
        if (ok(last)) return;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`${locator} ${what}; last seen: ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const matches = (expected: string | RegExp, exact: boolean) => (v: unknown) =>
    typeof v === 'string' &&
    (typeof expected === 'string' ? (exact ? v.trim() === expected : v.includes(expected)) : expected.test(v));
  const text = () => locator.first().innerText({ timeout: 1000 });
  return {
    toHaveText: (expected: string | RegExp) => until(`should have text ${expected}`, text, matches(expected, true)),
    toContainText: (expected: string | RegExp) => until(`should contain ${expected}`, text, matches(expected, false)),
    toHaveAttribute: (name: string, expected: string | RegExp) =>
      until(
        `should have ${name}=${expected}`,
        () => locator.first().getAttribute(name, { timeout: 1000 }),
        matches(expected, true),
      ),
    toHaveClass: (expected: RegExp) =>
      until(
        `should have class ${expected}`,
        () => locator.first().getAttribute('class', { timeout: 1000 }),
        matches(expected, false),
      ),
    toBeFocused: () =>
      until(
        'should be focused',
        () => locator.first().evaluate((el) => el === document.activeElement, null, { timeout: 1000 }),
        (v) => v === true,
      ),
  };
}
