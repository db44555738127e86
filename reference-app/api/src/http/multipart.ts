import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../domain/errors';

export interface ParsedUpload {
  fields: Record<string, string>;
  file?: { buffer: Buffer; filename: string; mimeType: string };
}

const ALLOWED_FIELDS = new Set(['category', 'visibility', 'captcha']);

/**
 * Reads a multipart upload with hard limits (one file of at most maxBytes, a few small fields)
 * into memory; aborts as soon as a limit is crossed.
 */
export function readUpload(req: Request, maxBytes: number): Promise<ParsedUpload> {
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(new AppError(415, 'unsupported_media_type', 'send the upload as multipart/form-data'));
      return;
    }
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes, files: 1, fields: 8, fieldSize: 8 * 1024, parts: 10, headerPairs: 20 },
      });
    } catch {
      reject(new AppError(400, 'malformed_multipart', 'the multipart body is malformed'));
      return;
    }
    const fields: Record<string, string> = {};
    let file: ParsedUpload['file'];
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(error);
    };
    bb.on('field', (name, value, info) => {
      if (!ALLOWED_FIELDS.has(name))
        return fail(
          new AppError(400, 'validation_failed', `unknown field "${name}"`, [{ path: name, message: 'unknown field' }]),
        );
      if (info.valueTruncated) return fail(new AppError(413, 'payload_too_large', `field "${name}" is too long`));
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(
          new AppError(400, 'validation_failed', `unexpected file field "${name}" (use "file")`, [
            { path: name, message: 'unknown field' },
          ]),
        );
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(new AppError(413, 'file_too_large', `the file is larger than ${maxBytes} bytes`)));
      stream.on('end', () => {
        if (!failed) file = { buffer: Buffer.concat(chunks), filename: info.filename ?? '', mimeType: info.mimeType };
      });
    });
    bb.on('filesLimit', () => fail(new AppError(400, 'validation_failed', 'send exactly one file')));
    bb.on('fieldsLimit', () => fail(new AppError(400, 'validation_failed', 'too many fields')));
    bb.on('partsLimit', () => fail(new AppError(400, 'validation_failed', 'too many parts')));
    bb.on('error', () => fail(new AppError(400, 'malformed_multipart', 'the multipart body is malformed')));
    bb.on('close', () => {
      if (!failed) resolve({ fields, file });
    });
    req.pipe(bb);
  });
}
