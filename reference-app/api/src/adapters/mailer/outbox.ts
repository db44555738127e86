import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingEmail } from '../../domain/ports';
import { buildMime } from './mime';

/**
 * Local default: each email becomes `<idempotencyKey>.eml` in the outbox folder (open it in any
 * mail client). Written atomically; a second send of the same delivery leaves the first file.
 */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${email.idempotencyKey}.eml`);
    const messageId = `<${email.idempotencyKey}@goodgreets>`;
    if (await exists(file)) return { messageId };
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, await buildMime(email, this.from));
    await rename(tmp, file);
    return { messageId };
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );
