/**
 * The PromQL text helpers on their own: Go-style float printing (the factors
 * in every burn-rate condition), the {{.window}} placeholder, label filters and
 * the whitespace normaliser the Sloth comparison relies on. The corpus test
 * normalises both sides, so a normaliser bug would cancel out there.
 */
import { goFloat, hasWindowPlaceholder, labelFilter, normalisePromql, withWindow } from '../../src/prometheus/promql';

describe('goFloat prints as Go %v does', () => {
  it('prints zero, plain decimals and the exponent form at both ends of the range', () => {
    expect(goFloat(0)).toBe('0');
    expect(goFloat(0.001)).toBe('0.001');
    expect(goFloat(0.0001)).toBe('0.0001');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(0.0009999999999999432)).toBe('0.0009999999999999432');
    expect(goFloat(1.5e-7)).toBe('1.5e-07');
    expect(goFloat(-2e-5)).toBe('-2e-05');
    expect(goFloat(14.4)).toBe('14.4');
    expect(goFloat(999999)).toBe('999999');
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(2.5e21)).toBe('2.5e+21');
  });

  it('refuses what PromQL cannot hold as a factor', () => {
    expect(() => goFloat(Infinity)).toThrow(RangeError);
    expect(() => goFloat(NaN)).toThrow(RangeError);
  });
});

describe('the {{.window}} placeholder', () => {
  it('is replaced with any spacing inside the braces, every time it occurs', () => {
    expect(withWindow('rate(x[{{.window}}])', 300)).toBe('rate(x[5m])');
    expect(withWindow('rate(x[{{ .window }}]) / rate(y[{{  .window}}])', 3600)).toBe('rate(x[1h]) / rate(y[1h])');
    expect(withWindow('rate(x[{{ .windows }}])', 300)).toBe('rate(x[{{ .windows }}])');
  });

  it('is found with any spacing, and only when it is there', () => {
    expect(hasWindowPlaceholder('rate(x[{{.window}}])')).toBe(true);
    expect(hasWindowPlaceholder('rate(x[{{ .window }}])')).toBe(true);
    expect(hasWindowPlaceholder('rate(x[{{ .windows }}])')).toBe(false);
    expect(hasWindowPlaceholder('rate(x[5m])')).toBe(false);
  });
});

describe('labelFilter', () => {
  it('sorts the keys and escapes backslashes, quotes and newlines', () => {
    expect(labelFilter({ sloth_slo: 'b', sloth_id: 'a' })).toBe('{sloth_id="a", sloth_slo="b"}');
    expect(labelFilter({ v: 'a\\b"c\nd' })).toBe('{v="a\\\\b\\"c\\nd"}');
    expect(labelFilter({})).toBe('{}');
  });
});

describe('normalisePromql', () => {
  it('drops whitespace next to brackets and commas, at both ends, and collapses the rest', () => {
    expect(normalisePromql('  sum ( rate( x [5m] ) ) by ( a , b )  ')).toBe('sum(rate(x[5m]))by(a,b)');
    expect(normalisePromql('a   and\n\t b')).toBe('a and b');
    expect(normalisePromql('{ a="1" }')).toBe('{a="1"}');
    expect(normalisePromql('')).toBe('');
    expect(normalisePromql(' \n ')).toBe('');
    expect(normalisePromql('a b  ')).toBe('a b');
  });

  it('keeps every kind of string literal verbatim, escaped quotes included', () => {
    expect(normalisePromql('x{a="  b  "}  or  y')).toBe('x{a="  b  "}or y');
    expect(normalisePromql("x{a='  b  '}  or  y")).toBe("x{a='  b  '}or y");
    expect(normalisePromql('x{a=`  b  `}  or  y')).toBe('x{a=`  b  `}or y');
    expect(normalisePromql('x{a="p\\"  q"}  or  y')).toBe('x{a="p\\"  q"}or y');
    expect(normalisePromql('"abc"  x')).toBe('"abc" x');
    expect(normalisePromql('"a"  b  "c"')).toBe('"a" b "c"');
  });

  it('keeps an unterminated string to the end', () => {
    expect(normalisePromql('x  "a  b')).toBe('x "a  b');
    expect(normalisePromql('x  "a  \\')).toBe('x "a  \\');
  });
});
