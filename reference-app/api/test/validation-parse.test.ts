// What a client reads in a 400: every issue of a request as `details: [{ path, message }]`, with a path it can
// point at (a field, a nested field, the unknown fields it sent, or the query parameter) and the whole list
// in the message.
import { z } from 'zod';
import { AppError } from '../src/domain/errors';
import { categorySchema, createCardSchema, parse, patchCardSchema } from '../src/domain/validation';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a validation failure');
}

describe('parse', () => {
  it('returns the parsed value when it is valid', () => {
    expect(parse(z.object({ n: z.coerce.number() }), { n: '4' })).toEqual({ n: 4 });
  });

  it('names each unknown field once, as the path and in the message', () => {
    const err = failure(() => parse(patchCardSchema, { timeZone: 'UTC', colour: 'red', size: 3 }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.details).toEqual([{ path: 'colour,size', message: 'unknown field(s): colour, size' }]);
    expect(err.message).toBe('invalid request: colour,size unknown field(s): colour, size');
  });

  it('joins a nested path with dots', () => {
    const schema = z.object({ card: z.object({ to: z.object({ name: z.string() }) }) });
    const err = failure(() => parse(schema, { card: { to: { name: 7 } } }));
    expect(err.details).toEqual([{ path: 'card.to.name', message: expect.stringMatching(/string/) }]);
    expect(err.message).toMatch(/^invalid request: card\.to\.name /);
  });

  it('leaves the path empty for the body as a whole, and names the body in the message', () => {
    const err = failure(() => parse(patchCardSchema, {}));
    expect(err.details).toEqual([{ path: '', message: expect.stringMatching(/^send at least one of /) }]);
    expect(err.message).toMatch(/^invalid request: body send at least one of /);
  });

  it('names the query parameter a value with no path came from', () => {
    const err = failure(() => parse(categorySchema, 'weddings', 'query.category'));
    expect(err.details).toEqual([{ path: 'query.category', message: expect.any(String) }]);
    expect(err.message).toMatch(/^invalid request: query\.category /);
  });

  it('lists every issue of a request, in order, joined in the message', () => {
    const err = failure(() => parse(createCardSchema, { designId: 7, extra: 1 }));
    const details = err.details as { path: string; message: string }[];
    const paths = details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['designId', 'recipientName', 'extra']));
    expect(paths.indexOf('designId')).toBeLessThan(paths.indexOf('recipientName'));
    expect(err.message).toBe(`invalid request: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`);
  });
});
