import { loadConfig } from '../config';
import { startApp } from '../server';

/** The real app on the bench database, in its own process (so autocannon does not share its CPU). */
async function main() {
  const app = await startApp(loadConfig(process.env));
  process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}
void main();
