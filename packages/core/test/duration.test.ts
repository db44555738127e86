import fc from 'fast-check';
import { formatDuration, parseDuration } from '../src/duration';

describe('parseDuration', () => {
  it.each([
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['28d', 2419200],
    ['2w', 1209600],
    ['90s', 90],
    [' 3d ', 259200],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '5', 'm', '1.5h', '-1h', '1y', '0s', '1m1h', 'PT5M'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [300, '5m'],
    [3600, '1h'],
    [5400, '1h30m'],
    [2592000, '30d'],
    [93784, '1d2h3m4s'],
  ])('%d seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips every positive duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86400 }), (s) => parseDuration(formatDuration(s)) === s),
    );
  });

  it('rejects non-positive and fractional seconds', () => {
    expect(() => formatDuration(0)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });
});
