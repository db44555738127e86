import { CsvSeriesParser, DataFileError, parseJsonSeries, parseTimestamp } from '../../src/review';

function csv(text: string, file = 'data.csv') {
  const p = new CsvSeriesParser(file);
  for (const line of text.split('\n')) p.line(line);
  return p.finish();
}

describe('file source', () => {
  it('parses CSV with ISO and epoch timestamps, sorting and summing duplicates', () => {
    const table = csv(
      'slo,timestamp,good,total\n' +
        'api,2026-11-01T00:01:00Z,98,100\n' +
        'api,1793491200,99,100\r\n' +
        '# a comment\n' +
        'api,1793491200,1,1\n' +
        'web,1793491200,5,5\n' +
        ' web ,1793491260, 4 ,5\n',
    );
    expect(table.sloNames).toEqual(['api', 'web']);
    expect(table.series('api')).toEqual([
      { t: 1793491200, good: 100, total: 101 },
      { t: 1793491260, good: 98, total: 100 },
    ]);
    expect(table.series('api', 1793491260)).toHaveLength(1);
    expect(table.series('web')).toEqual([
      { t: 1793491200, good: 5, total: 5 },
      { t: 1793491260, good: 4, total: 5 },
    ]);
  });

  it('names file, line, column and fix for bad rows', () => {
    expect(() => csv('slo,timestamp,good,total\napi,yesterday,1,1\napi,1,5,2\n')).toThrow(DataFileError);
    try {
      csv('slo,timestamp,good,total\napi,yesterday,1,1\napi,1,5,2\n');
    } catch (err) {
      expect((err as Error).message.split('\n')).toEqual([
        'data.csv:2:5: timestamp: not a timestamp: "yesterday" (use ISO 8601 or epoch seconds)',
        'data.csv:3:7: good: good (5) exceeds total (2) (good events are a subset of all events)',
      ]);
    }
    expect(() => csv('when,good\n')).toThrow(/data.csv:1:1: header: missing column\(s\) slo, timestamp, total/);
  });

  it('parses the JSON form and reports JSON paths', () => {
    const table = parseJsonSeries('d.json', JSON.stringify({ series: { api: [{ t: 60, good: 1, total: 2 }] } }));
    expect(table.series('api')).toEqual([{ t: 60, good: 1, total: 2 }]);
    expect(() => parseJsonSeries('d.json', '{"series":{"api":[{"t":"x","good":1,"total":1}]}}')).toThrow(
      'd.json:1:1: series.api[0].t: not a timestamp (ISO 8601 or epoch seconds)',
    );
    expect(() => parseJsonSeries('d.json', '{')).toThrow(/d.json:1:1: \$: invalid JSON/);
  });

  it('rejects non-timestamps', () => {
    expect(parseTimestamp('2026-11-01T00:00:00Z')).toBe(1793491200);
    expect(parseTimestamp('1.5')).toBe(1.5);
    expect(parseTimestamp('soon')).toBeUndefined();
  });
});
