/**
 * An answer asked for before the component that shows it exists, so that
 * the request travels while the app renders rather than after the
 * component's first render (components ask in effects, once on screen).
 * The page's extension asks when the app opens on the page (the fetch waits
 * for the sign-in), or its route when it starts loading the page's code;
 * the component takes the answer if it wants the same thing (`key`) within
 * `KEEP_MS`, and in its first render if the answer has come by then.
 */
const KEEP_MS = 10_000;

interface Early<T> {
  key: string;
  at: number;
  answer: Promise<T>;
  /** The answer, once it has come. */
  value?: { ok: T };
}

const early = new Map<string, Early<unknown>>();

/**
 * Asks for `name`'s answer to `key` now, unless that same ask is already on
 * its way.
 */
export function askEarly<T>(
  name: string,
  key: string,
  ask: () => Promise<T>,
): void {
  const earlier = early.get(name);
  if (earlier && earlier.key === key && Date.now() - earlier.at <= KEEP_MS) {
    return;
  }
  const entry: Early<T> = { key, at: Date.now(), answer: ask() };
  // Nobody may take it: its failure is the component's to report.
  entry.answer.then(
    value => {
      entry.value = { ok: value };
    },
    () => undefined,
  );
  early.set(name, entry);
}

/**
 * `name`'s early answer to `key` if it is recent; given once. With
 * `settledOnly`, only an answer that has already come (for a first render),
 * leaving one still on its way to be taken later.
 */
export function takeEarlyAnswer<T>(
  name: string,
  key: string,
  options: { settledOnly?: boolean } = {},
): { answer: Promise<T>; value?: { ok: T } } | undefined {
  const entry = early.get(name) as Early<T> | undefined;
  if (!entry) return undefined;
  if (options.settledOnly && !entry.value) return undefined;
  early.delete(name);
  if (Date.now() - entry.at > KEEP_MS || entry.key !== key) return undefined;
  return { answer: entry.answer, value: entry.value };
}
