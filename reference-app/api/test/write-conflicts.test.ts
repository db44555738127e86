import { AppError } from '../src/domain/errors';
import { isWriteConflict, retryOnConflict } from '../src/adapters/db/availability';

// The InnoDB deadlock victim codes, as mysql2 names them; a real race on MariaDB is in
// repositories.test.ts ("stops adding messages at the cap ... even when signers race").
const conflict = (code: string) => Object.assign(new Error(`conflict ${code}`), { code });

describe('retryOnConflict (one statement chosen as a deadlock victim)', () => {
  it('runs the statement again after a deadlock or an AUTO-INC lock failure and returns its answer', async () => {
    const codes = ['ER_AUTOINC_READ_FAILED', 'ER_LOCK_DEADLOCK'];
    let calls = 0;
    const answer = await retryOnConflict(async () => {
      calls++;
      if (calls <= codes.length) throw conflict(codes[calls - 1]);
      return 'stored';
    });
    expect(answer).toBe('stored');
    expect(calls).toBe(3);
  });

  it('gives up after the attempts with a 503 database_unavailable whose cause is the driver error', async () => {
    let calls = 0;
    const err = await retryOnConflict(async () => {
      calls++;
      throw conflict('ER_LOCK_DEADLOCK');
    }, 3).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect((err as AppError).message).not.toMatch(/conflict/);
  });

  it('passes any other error through at once, untouched', async () => {
    let calls = 0;
    const dup = conflict('ER_DUP_ENTRY');
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw dup;
      }),
    ).rejects.toBe(dup);
    expect(calls).toBe(1);
    expect(isWriteConflict(dup)).toBe(false);
    expect(isWriteConflict(null)).toBe(false);
  });
});
