/*
 * Every CONTRACT*.md of an emulator names, for each behaviour, the test that
 * fails when the emulator drifts from upstream. This test reads each table
 * row of those contracts and checks that the tests it names exist, so a
 * contract line can never cite a renamed or deleted test, nor cite nothing.
 *
 * The three contracts name tests in three ways, all handled here:
 *  - Kubernetes: `file.test.ts \`title\`, \`title\``; CONTRACT.kubeai.md
 *    leaves out the file for this folder's tests and marks portal tests with
 *    `portal:`; "same" refers to the row above.
 *  - Odoo: `file.test \`title\``; `_client_ \`title\`` for the client's
 *    tests; "T3"/"as R2" refer to another row.
 *  - Bifrost: `\`file.test.ts › describe › title\``, and `\`› title\`` for
 *    another test of the same file and describe block.
 * `…` (or `...`) in a title stands for any text; test titles with printf or
 * `$name` placeholders (`it.each`) match any text there.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = __dirname;
const ROOT = path.resolve(SRC, '../../..');

/** Where the contracts' aliases point (the Odoo contract's legend). */
const ALIASES: Record<string, string> = {
  _client_: 'plugins/inference-node/src/odoo/OdooClient.test.ts',
};

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Every test file of the repository's packages, plugins and test tools. */
const ALL_TEST_FILES = ['packages', 'plugins', 'test']
  .map(d => path.join(ROOT, d))
  .filter(d => fs.existsSync(d))
  .flatMap(d => walk(d));

const titleCache = new Map<string, string[]>();

/** Titles of `describe`/`it`/`test` calls (also `.each(...)(title)`) in a file. */
function titlesOf(file: string): string[] {
  let titles = titleCache.get(file);
  if (!titles) {
    const src = fs.readFileSync(file, 'utf8');
    const lit = String.raw`(['"\x60])((?:\\[\s\S]|(?!\1)[^\\])*)\1`;
    const call = new RegExp(
      String.raw`\b(?:describe|it|test)(?:\.(?:only|skip|concurrent|failing))*\s*\(\s*${lit}`,
      'g',
    );
    const each = new RegExp(String.raw`\)\s*\(\s*${lit}\s*,`, 'g');
    titles = [];
    for (const re of [call, each]) {
      for (const m of src.matchAll(re)) {
        titles.push(m[2].replace(/\\([\s\S])/g, '$1'));
      }
    }
    titleCache.set(file, titles);
  }
  return titles;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a title as the contract writes it names the test title `actual`. */
function titleMatches(citedTitle: string, actualTitle: string): boolean {
  // A code span holds backticks only between double ones, so the contract
  // often leaves them out: compare without.
  const actual = actualTitle.replace(/`/g, '');
  const cited = citedTitle.replace(/`/g, '');
  const citedRe = new RegExp(
    `^${cited
      .split(/…|\.\.\./)
      .map(p => escape(p.trim()))
      .join('.*')}$`,
  );
  if (citedRe.test(actual.trim())) return true;
  // it.each titles: placeholders match the contract's expansion of them.
  const parts = actual.split(/%[sdifjoOp#]|\$\{[^}]*\}|\$[A-Za-z_][\w.]*/);
  if (parts.length === 1) return false;
  return new RegExp(`^${parts.map(escape).join('.*')}$`).test(cited.trim());
}

/** Test files a file reference of a contract in `folder` stands for. */
function resolveFile(folder: string, ref: string): string[] {
  const alias = ALIASES[ref];
  if (alias) return [path.join(ROOT, alias)];
  const hint = /\(([^)]+)\)/.exec(ref)?.[1];
  let name = ref
    .replace(/\([^)]*\)/, '')
    .trim()
    .replace(/^_|_$/g, ''); // _file.test_: the Odoo contract's italics
  if (/\.test$/.test(name)) name += '.ts';
  if (name.includes('/')) {
    const p = path.join(ROOT, name);
    return fs.existsSync(p) ? [p] : [];
  }
  const local = path.join(folder, name);
  if (fs.existsSync(local)) return [local];
  return ALL_TEST_FILES.filter(
    f => path.basename(f) === name && (!hint || f.includes(hint)),
  );
}

interface Citation {
  line: number;
  /** Test files the citation may be in. */
  files: string[];
  /** What the files were named by, for the error. */
  fileRef: string;
  /** describe blocks, then the test title. */
  titles: string[];
}

const FILE_REF = /(?:_client_|_?[\w./-]+?\.test(?:\.tsx?)?_?)(?=\s|$|[:,;)])/g;
const IS_FILE = /^[\w./-]+\.test(?:\.tsx?)?$/;

interface Span {
  text: string;
  start: number;
  end: number;
}

/** Code spans (`x` or ``x``) of a Markdown fragment. */
function spansOf(cell: string): Span[] {
  const spans: Span[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  for (const m of cell.matchAll(re)) {
    spans.push({
      text: m[2].trim(),
      start: m.index!,
      end: m.index! + m[0].length,
    });
  }
  return spans;
}

/** The tests one table cell cites, or why it cites none. */
function parseCell(
  folder: string,
  cell: string,
  line: number,
): Citation[] | 'reference' | 'exempt' {
  const trimmed = cell.trim();
  // "not emulated …" needs no test, but what it cites must exist.
  const exempt = /^not emulated\b/i.test(trimmed);
  const local = ALL_TEST_FILES.filter(f => path.dirname(f) === folder);
  const spans = spansOf(cell);
  const citations: Citation[] = [];
  let files = local;
  let fileRef = `${path.relative(ROOT, folder)}/*.test.ts`;
  let pos = 0;
  let depth = 0;
  let lastArrow: Citation | undefined;
  // A file named with no test title after it cites nothing.
  let bare: Citation | undefined;
  const setFiles = (ref: string, found: string[]) => {
    if (bare) citations.push(bare);
    files = found;
    fileRef = ref;
    bare = { line, files, fileRef, titles: [] };
  };
  const text = (from: number, to: number) => {
    // Plain text between spans: parentheses, `;` (a new context), file names.
    let piece = '';
    const endPiece = () => {
      if (/portal:/.test(piece)) {
        setFiles(
          'the portal tests',
          ALL_TEST_FILES.filter(f => !f.startsWith(SRC)),
        );
      }
      for (const ref of piece.matchAll(FILE_REF)) {
        setFiles(ref[0], resolveFile(folder, ref[0]));
      }
      piece = '';
    };
    for (const ch of cell.slice(from, to)) {
      if (ch === '(') depth++;
      else if (ch === ')') depth = Math.max(0, depth - 1);
      else if (ch === ';' && depth === 0) {
        endPiece();
        if (bare) citations.push(bare);
        bare = undefined;
        files = local;
        fileRef = `${path.relative(ROOT, folder)}/*.test.ts`;
      } else if (depth === 0) piece += ch;
    }
    endPiece();
  };
  for (const s of spans) {
    text(pos, s.start);
    pos = s.end;
    if (depth > 0) continue;
    if (IS_FILE.test(s.text)) {
      // `portal: \`file.test.ts\``: the file narrows "the portal tests".
      if (bare?.fileRef === 'the portal tests') bare = undefined;
      setFiles(s.text, resolveFile(folder, s.text));
      continue;
    }
    const parts = s.text.split('›').map(p => p.trim());
    if (parts.length > 1 && parts[0] === '' && lastArrow) {
      // `› title`: another test of the citation before.
      citations.push({
        ...lastArrow,
        line,
        titles: [...lastArrow.titles.slice(0, -1), ...parts.slice(1)],
      });
    } else if (parts.length > 1) {
      lastArrow = {
        line,
        files: resolveFile(folder, parts[0]),
        fileRef: parts[0],
        titles: parts.slice(1),
      };
      citations.push(lastArrow);
    } else {
      bare = undefined;
      citations.push({ line, files, fileRef, titles: [s.text] });
    }
  }
  text(pos, cell.length);
  if (bare) citations.push(bare);
  if (citations.length) return citations;
  if (exempt) return 'exempt';
  if (/^(same|as [A-Z]+\d+|[A-Z]+\d+)$/.test(trimmed)) return 'reference';
  return [];
}

/** The rows of the tables of a contract that have a test column. */
function testCells(md: string): Array<{ line: number; cell: string }> {
  const cells: Array<{ line: number; cell: string }> = [];
  let column = -1;
  md.split('\n').forEach((raw, i) => {
    if (!raw.startsWith('|')) {
      column = -1;
      return;
    }
    const cols = raw
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map(c => c.trim());
    if (cols.every(c => /^:?-+:?$/.test(c))) return;
    if (column === -1) {
      column = cols.findIndex(c => /^(emulator )?tests?$/i.test(c));
      if (column === -1) column = -2; // a table without a test column
      return;
    }
    if (column >= 0 && cols[column] !== undefined) {
      cells.push({ line: i + 1, cell: cols[column].replace(/\\\|/g, '|') });
    }
  });
  return cells;
}

const contracts = fs
  .readdirSync(SRC, { withFileTypes: true })
  .filter(d => d.isDirectory() && !d.name.startsWith('.'))
  .flatMap(d =>
    fs
      .readdirSync(path.join(SRC, d.name))
      .filter(f => /^CONTRACT.*\.md$/.test(f))
      .map(f => path.join(d.name, f)),
  );

/** Problems of one contract: rows citing nothing, cited tests that do not exist. */
function problemsOf(
  contract: string,
  folder = path.dirname(path.join(SRC, contract)),
): string[] {
  const md = fs.readFileSync(
    path.join(folder, path.basename(contract)),
    'utf8',
  );
  const problems: string[] = [];
  const check = (c: Citation) => {
    if (!c.files.length) {
      problems.push(`${contract}:${c.line}: no test file ${c.fileRef}`);
      return;
    }
    if (!c.titles.length) {
      problems.push(`${contract}:${c.line}: names ${c.fileRef} but no test`);
      return;
    }
    const titles = c.files.flatMap(titlesOf);
    c.titles.forEach((t, i) => {
      // Describe blocks may be cited without the emulator's name before
      // a colon ("Bifrost emulator contract: the v1.4.x line").
      const found = titles.some(
        a =>
          titleMatches(t, a) ||
          (i < c.titles.length - 1 &&
            titleMatches(t, a.replace(/^[^:]*: /, ''))),
      );
      if (!found) {
        problems.push(`${contract}:${c.line}: no test "${t}" in ${c.fileRef}`);
      }
    });
  };
  const cells = testCells(md);
  for (const { line, cell } of cells) {
    const parsed = parseCell(folder, cell, line);
    if (parsed === 'reference' || parsed === 'exempt') continue;
    if (!parsed.length) {
      problems.push(`${contract}:${line}: cites no test: ${cell}`);
    }
    parsed.forEach(check);
  }
  // `file.test.ts › …` citations in the prose around the tables.
  md.split('\n').forEach((raw, i) => {
    if (raw.startsWith('|')) return;
    for (const s of spansOf(raw)) {
      const parts = s.text.split('›').map(p => p.trim());
      if (
        parts.length > 1 &&
        /\.test(\.tsx?)?(\s*\([^)]*\))?$/.test(parts[0])
      ) {
        check({
          line: i + 1,
          files: resolveFile(folder, parts[0]),
          fileRef: parts[0],
          titles: parts.slice(1),
        });
      }
    }
  });
  return problems;
}

describe('emulator contracts', () => {
  it('finds the contracts of the Kubernetes, KubeAI, Bifrost and Odoo emulators', () => {
    expect(contracts.sort()).toEqual([
      'bifrost/CONTRACT.md',
      'kubernetes/CONTRACT.kubeai.md',
      'kubernetes/CONTRACT.md',
      'odoo/CONTRACT.md',
    ]);
  });

  it.each(contracts)('%s cites only tests that exist, on every row', c => {
    expect(problemsOf(c)).toEqual([]);
  });

  it('reads each way of citing a test, and fails on a missing one', () => {
    const folder = path.join(SRC, 'kubernetes');
    const cited = (cell: string) => {
      const parsed = parseCell(folder, cell, 1);
      return Array.isArray(parsed)
        ? parsed.map(c => [path.basename(c.files[0] ?? '-'), ...c.titles])
        : parsed;
    };
    expect(
      cited(
        'crud.models.test.ts `a`, `b …` (before: `not a title`); kubectl.test.ts `c`',
      ),
    ).toEqual([
      ['crud.models.test.ts', 'a'],
      ['crud.models.test.ts', 'b …'],
      ['kubectl.test.ts', 'c'],
    ]);
    expect(
      cited('`nothere.test.ts › block › a`, `› b`; `x.test.ts › c`'),
    ).toEqual([
      ['-', 'block', 'a'],
      ['-', 'block', 'b'],
      ['-', 'c'],
    ]);
    expect(cited('same')).toBe('reference');
    expect(cited('as R2')).toBe('reference');
    expect(cited('not emulated (no traffic)')).toBe('exempt');
    expect(cited('kubectl.test.ts (first test)')).toEqual([
      ['kubectl.test.ts'],
    ]);
    expect(
      titleMatches(
        'passes … to … the way KubeAI does',
        'passes %s to %s the way KubeAI does',
      ),
    ).toBe(true);
    expect(
      titleMatches(
        'accepts a Model with x but never',
        'accepts a Model with %s but never',
      ),
    ).toBe(true);
    expect(
      titleMatches('serves pod logs …', 'serves pod logs and events'),
    ).toBe(true);
    expect(titleMatches('serves pod logs', 'serves pod logs and events')).toBe(
      false,
    );

    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'ct-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'a.test.ts'),
        "describe('block', () => { it('exists', () => {}); });\n",
      );
      const row = (test: string) =>
        `| # | behaviour | emulator test |\n| - | - | - |\n| X1 | b | ${test} |\n`;
      const run = (md: string) => {
        fs.writeFileSync(path.join(dir, 'CONTRACT.md'), md);
        return problemsOf('CONTRACT.md', dir).map(p =>
          p.replace(/^[^ ]* /, ''),
        );
      };
      expect(run(row('a.test.ts `exists`; _a.test_ `exi…`'))).toEqual([]);
      expect(run(row('`a.test.ts › block › exists`, `› exists`'))).toEqual([]);
      expect(run(row('a.test.ts `renamed`'))).toEqual([
        'no test "renamed" in a.test.ts',
      ]);
      expect(run(row('`a.test.ts › block › gone`'))).toEqual([
        'no test "gone" in a.test.ts',
      ]);
      expect(run(row('a.test.ts (all of them)'))).toEqual([
        'names a.test.ts but no test',
      ]);
      expect(run(row('see the README'))).toEqual([
        'cites no test: see the README',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
