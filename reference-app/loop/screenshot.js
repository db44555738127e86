#!/usr/bin/env node
/* global fetch */
// Screenshot of the Slack stand-in after a drill, for the README: replays the posts `npm run drill`
// kept (DATA_DIR/slack-posts.json) into a fresh stand-in and photographs its page with Chromium.
//   node reference-app/loop/screenshot.js [.loop/slack-posts.json] [docs/loop-slack-standin.png]
const { readFileSync } = require('node:fs');
const { chromium } = require('playwright-core');
const { startSlackStandin } = require('@sre-kit/alert-router');

async function main() {
  const [postsFile = '.loop/slack-posts.json', out = 'docs/loop-slack-standin.png'] = process.argv.slice(2);
  const posts = JSON.parse(readFileSync(postsFile, 'utf8'));
  const standin = await startSlackStandin();
  try {
    for (const p of posts) {
      await fetch(standin.url + p.path, { method: 'POST', body: JSON.stringify(p.payload) });
    }
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
      await page.goto(standin.url);
      await page.screenshot({ path: out, fullPage: false });
    } finally {
      await browser.close();
    }
    process.stdout.write(`${out}: ${posts.length} post(s)\n`);
  } finally {
    await standin.close();
  }
}

main().catch((err) => {
  process.stderr.write(`screenshot: ${err.message}\n`);
  process.exit(1);
});
