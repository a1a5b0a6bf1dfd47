import { useCallback, useEffect, useRef, useState } from 'react';

/** How long the URL may lag the search box while someone types. */
const URL_WRITE_DELAY_MS = 300;

/**
 * The search box's text, held here so that a keystroke re-renders only the
 * list and its query starts at once, and written to the URL (which every
 * route-aware component re-renders on) once typing pauses. A change of the
 * URL from elsewhere (back, a shared link) replaces the text; the URL's
 * catching up with what was typed does not.
 */
export function useSearchDraft(
  urlValue: string,
  writeUrl: (value: string) => void,
): [string, (value: string) => void] {
  const [draft, setDraft] = useState(urlValue);
  const pending = useRef<{
    value: string;
    timer: ReturnType<typeof setTimeout>;
  }>();
  const written = useRef(urlValue);
  const writeRef = useRef(writeUrl);
  writeRef.current = writeUrl;

  useEffect(() => {
    if (urlValue !== written.current) {
      written.current = urlValue;
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = undefined;
      setDraft(urlValue);
    }
  }, [urlValue]);

  // Leaving the page writes what was typed, so coming back finds it.
  useEffect(
    () => () => {
      if (pending.current) {
        clearTimeout(pending.current.timer);
        writeRef.current(pending.current.value);
      }
    },
    [],
  );

  const change = useCallback((value: string) => {
    setDraft(value);
    if (pending.current) clearTimeout(pending.current.timer);
    pending.current = {
      value,
      timer: setTimeout(() => {
        pending.current = undefined;
        written.current = value;
        writeRef.current(value);
      }, URL_WRITE_DELAY_MS),
    };
  }, []);
  return [draft, change];
}
