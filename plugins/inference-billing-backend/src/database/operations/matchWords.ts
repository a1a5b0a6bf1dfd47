import type { Knex } from 'knex';

/**
 * The words of a search box's text, lower-cased the way stored search text
 * is (`toLocaleLowerCase('en-US')`), so a search means the same on SQLite
 * and PostgreSQL.
 */
export function searchWords(q: string | undefined): string[] {
  return (q ?? '').toLocaleLowerCase('en-US').split(/\s+/).filter(Boolean);
}

/** `word` anywhere, with LIKE's wildcards and its escape character taken literally. */
function containing(word: string): string {
  return `%${word.replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/**
 * Keeps the rows where every word occurs in one of `columns` (a word may
 * match a different column than the next). `lowered` columns hold
 * lower-cased text already; the others are lower-cased by the database,
 * which folds ASCII letters only on SQLite: use them for text that is
 * ASCII (ids, months, entity refs). LIKE has no default escape character
 * on SQLite, so it is given.
 */
export function whereEveryWord(
  query: Knex.QueryBuilder,
  words: ReadonlyArray<string>,
  columns: { lowered?: ReadonlyArray<string>; ascii?: ReadonlyArray<string> },
): Knex.QueryBuilder {
  for (const word of words) {
    const pattern = containing(word);
    query.where(any => {
      for (const column of columns.lowered ?? []) {
        any.orWhereRaw(`?? like ? escape '\\'`, [column, pattern]);
      }
      for (const column of columns.ascii ?? []) {
        any.orWhereRaw(`lower(??) like ? escape '\\'`, [column, pattern]);
      }
    });
  }
  return query;
}
