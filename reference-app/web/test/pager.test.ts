import { paginate, wordCount, PAGE_MAX_MESSAGES, PAGE_MAX_WORDS } from '../src/lib/pager';

const msg = (words: number, name = 'x') => ({
  name,
  message: Array.from({ length: words }, (_, i) => `w${i}`).join(' '),
});

describe('paginate', () => {
  it('puts at most 10 short messages on a page', () => {
    const pages = paginate(Array.from({ length: 23 }, () => msg(3)));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
  });

  it('starts a new page before a page would pass ~250 words', () => {
    const pages = paginate([msg(100), msg(100), msg(100), msg(20)]);
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    for (const p of pages) expect(p.reduce((n, m) => n + wordCount(m.message), 0)).toBeLessThanOrEqual(PAGE_MAX_WORDS);
  });

  it('gives a message longer than a page a page of its own and keeps the order', () => {
    const input = [msg(5, 'a'), msg(400, 'b'), msg(5, 'c')];
    const pages = paginate(input);
    expect(pages.map((p) => p.map((m) => m.name))).toEqual([['a'], ['b'], ['c']]);
  });

  it('returns no pages for no messages and counts words on any whitespace', () => {
    expect(paginate([])).toEqual([]);
    expect(wordCount('  one\ntwo\tthree  ')).toBe(3);
    expect(wordCount('   ')).toBe(0);
    expect(PAGE_MAX_MESSAGES).toBe(10);
  });
});
