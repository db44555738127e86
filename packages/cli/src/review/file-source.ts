/** Reads the review file source: CSV streamed line by line, or JSON (see @sre-kit/core review/data.ts). */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { CsvSeriesParser, parseJsonSeries, type SeriesTable } from '@sre-kit/core';

export async function readSeriesFile(file: string): Promise<SeriesTable> {
  if (extname(file).toLowerCase() === '.json') return parseJsonSeries(file, await readFile(file, 'utf8'));
  const parser = new CsvSeriesParser(file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) parser.line(line);
  return parser.finish();
}
