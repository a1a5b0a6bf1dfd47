import { markQuery, queryWords } from './markQuery';

const pre = '<p>';
const post = '</p>';
const mark = (highlighted: string, term: string) =>
  markQuery({ highlighted, preTag: pre, postTag: post, term });

describe('queryWords', () => {
  it('splits on anything but letters and digits, lower-cased, once each', () => {
    expect(queryWords('Qwen2.5 qwen2 Ünïcode-x')).toEqual([
      'qwen2',
      '5',
      'ünïcode',
      'x',
    ]);
    expect(queryWords('  ')).toEqual([]);
  });
});

describe('markQuery', () => {
  it('narrows a marked token to the query in it, keeping its case', () => {
    expect(mark('<p>Qwen2</p>.5-0.5B', 'qwen')).toBe('<p>Qwen</p>2.5-0.5B');
    expect(mark('x <p>deepseek-qwen</p> y', 'QWEN')).toBe(
      'x deepseek-<p>qwen</p> y',
    );
  });

  it('unmarks a fragment without a query word (a fuzzy match)', () => {
    expect(mark('medium-<p>en</p> in location', 'qwen')).toBe(
      'medium-en in location',
    );
    expect(mark('<p>Legal</p> and <p>local</p>', 'local')).toBe(
      'Legal and <p>local</p>',
    );
  });

  it('marks each occurrence of each word, merging overlaps', () => {
    expect(mark('<p>qwenqwen</p>', 'qwen')).toBe('<p>qwenqwen</p>');
    expect(mark('<p>abcd</p>', 'abc bcd')).toBe('<p>abcd</p>');
    expect(mark('<p>a-b</p>', 'a b')).toBe('<p>a</p>-<p>b</p>');
  });

  it('leaves text outside the marks, and a text without marks, alone', () => {
    expect(mark('qwen outside', 'qwen')).toBe('qwen outside');
    expect(mark('qwen <p>qwen</p>', 'qwen')).toBe('qwen <p>qwen</p>');
  });

  it('drops an unclosed tag rather than showing it', () => {
    expect(mark('a <p>qwen', 'qwen')).toBe('a qwen');
  });

  it('marks nothing for an empty query', () => {
    expect(mark('<p>Qwen2</p>', '')).toBe('Qwen2');
  });
});
