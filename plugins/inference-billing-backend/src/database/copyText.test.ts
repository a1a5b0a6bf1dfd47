import { copyValue, CopyTextChunks } from './copyText';

describe('copyValue', () => {
  it('writes null as \\N and escapes backslash, tab, newline and carriage return', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue('plain, "quoted" {x}')).toBe('plain, "quoted" {x}');
    expect(copyValue('')).toBe('');
  });
});

describe('CopyTextChunks', () => {
  const joined = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

  it('keeps every line, in order, across chunk boundaries and in UTF-8', () => {
    const lines = Array.from(
      { length: 500 },
      (_, i) => `${i}\tünïcødé-模型-${'x'.repeat(i % 37)}\t😀\n`,
    );
    const rows = new CopyTextChunks(256);
    for (const line of lines) rows.addLine(line);
    const chunks = rows.finish();
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.every(c => c.length <= 256)).toBe(true);
    expect(joined(chunks)).toBe(lines.join(''));
  });

  it('takes a line longer than a chunk whole', () => {
    const long = `${'é'.repeat(400)}\n`;
    const rows = new CopyTextChunks(64);
    rows.addLine('a\n');
    rows.addLine(long);
    rows.addLine('b\n');
    expect(joined(rows.finish())).toBe(`a\n${long}b\n`);
  });

  it('has no chunks without lines', () => {
    expect(new CopyTextChunks().finish()).toEqual([]);
  });
});
