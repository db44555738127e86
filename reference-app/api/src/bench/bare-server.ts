import { createServer } from 'node:http';
import { createPool } from 'mysql2/promise';

/**
 * The comparison point: Node's http module and a mysql2 pool, no framework, no validation, no
 * metrics, no logging; the same query the gallery runs.
 */
async function main() {
  const pool = createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10 });
  const server = createServer(async (req, res) => {
    if (req.url?.startsWith('/api/v1/designs')) {
      const [rows] = await pool
        .query(
          "select id, category, title, thumb_key, display_key from designs where visibility = 'public' and status = 'ready' order by created_at desc, id desc limit 25",
        )
        .catch(() => [[]]);
      const items = (rows as Array<Record<string, string>>).map((r) => ({
        id: r.id,
        category: r.category,
        title: r.title,
        thumbnailUrl: `/media/${r.thumb_key}`,
        imageUrl: `/media/${r.display_key}`,
      }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items, nextCursor: null }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
  });
  process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
}
void main();
