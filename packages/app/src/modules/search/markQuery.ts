/**
 * The words of a search query, lower-cased, split as the search engines split
 * text (Lunr's separator in Backstage's indexer: anything but letters and
 * digits).
 */
export function queryWords(term: string): string[] {
  return [
    ...new Set(
      term
        .toLocaleLowerCase('en-US')
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ];
}

/**
 * Narrows a search engine's highlight of one field to the query's words.
 *
 * The engines mark whole matched tokens, not the query: Lunr marks the token
 * a trailing-wildcard or fuzzy (edit distance 2) clause matched, so "qwen"
 * marks "Qwen2" of "Qwen2.5" and the "en" of "faster-whisper-medium-en";
 * PostgreSQL's ts_headline marks whole words of a stem. Within each marked
 * fragment this keeps marked only where a query word occurs (case-
 * insensitively) and leaves the rest of the fragment plain; a fragment
 * without a query word is not marked at all. Text outside the marks is left
 * as it was.
 */
export function markQuery(options: {
  /** The field as the engine highlighted it. */
  highlighted: string;
  preTag: string;
  postTag: string;
  term: string;
}): string {
  const { highlighted, preTag, postTag } = options;
  const words = queryWords(options.term);
  if (!preTag || !postTag) return highlighted;
  let result = '';
  let rest = highlighted;
  for (;;) {
    const start = rest.indexOf(preTag);
    if (start < 0) return result + rest;
    const end = rest.indexOf(postTag, start + preTag.length);
    if (end < 0) return result + rest.split(preTag).join('');
    result += rest.slice(0, start);
    result += narrow(rest.slice(start + preTag.length, end), words, options);
    rest = rest.slice(end + postTag.length);
  }
}

/** Marks the occurrences of `words` in one engine-marked fragment. */
function narrow(
  fragment: string,
  words: string[],
  tags: { preTag: string; postTag: string },
): string {
  const lower = fragment.toLocaleLowerCase('en-US');
  if (lower.length !== fragment.length) {
    // Lower-casing changed the length (e.g. a dotted capital I): positions
    // would not line up, so the fragment stays marked whole or not at all.
    return words.some(w => lower.includes(w))
      ? `${tags.preTag}${fragment}${tags.postTag}`
      : fragment;
  }
  // Covered character ranges, the longest word first where words overlap.
  const covered = new Array<boolean>(fragment.length).fill(false);
  for (const word of [...words].sort((a, b) => b.length - a.length)) {
    for (
      let at = lower.indexOf(word);
      at >= 0;
      at = lower.indexOf(word, at + word.length)
    ) {
      covered.fill(true, at, at + word.length);
    }
  }
  let out = '';
  for (let i = 0; i < fragment.length; i++) {
    if (covered[i] && !covered[i - 1]) out += tags.preTag;
    out += fragment[i];
    if (covered[i] && !covered[i + 1]) out += tags.postTag;
  }
  return out;
}
