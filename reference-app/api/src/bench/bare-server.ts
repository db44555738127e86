import { createServer } from 'node:http';
import { createPool } from 'mysql2/promise';
import { newMessageId } from '../adapters/db/repositories';

/**
 * The comparison point: Node's http module and a mysql2 pool, no framework, no validation, no
 * metrics, no logging; the same query the gallery runs, and for a signature one statement that
 * inserts the same row (found by share token, its id made as the app makes it) and nothing else:
 * no cap, no status check.
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
    const sign = /^\/api\/v1\/shared\/([A-Za-z0-9_-]{43})\/messages$/.exec(req.url ?? '');
    if (sign && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const { name, message } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      const createdAt = Date.now();
      const [result] = await pool
        .execute(
          'insert into messages (id, card_id, name, message, created_at) select ?, id, ?, ?, ? from cards where share_token = ?',
          [newMessageId(), name, message, createdAt, sign[1]],
        )
        // A request still in flight when SIGTERM closed the pool.
        .catch(() => [{ affectedRows: 0 }]);
      res.statusCode = (result as { affectedRows: number }).affectedRows === 1 ? 201 : 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, message, createdAt: new Date(createdAt).toISOString() }));
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
