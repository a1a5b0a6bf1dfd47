/**
 * Starts loading a page's code as soon as the app's own code runs, when the
 * app is opened on that page (a bookmark, a shared link, a reload). A page's
 * loader otherwise starts only once the app has booted, signed in and
 * rendered its shell, and its chunk then downloads and compiles while the
 * user waits. The bundler keeps one import per chunk, so the page's loader
 * later gets this same import; a preload that fails is left for that loader
 * to try again and report.
 */
export function preloadPageIfOpenedAt(
  path: string,
  load: () => Promise<unknown>,
): void {
  if (!appOpenedAt(path)) return;
  load().catch(() => undefined);
}

/** Whether the browser is at `path` (the app was opened there, if asked early). */
export function appOpenedAt(path: string): boolean {
  if (typeof window === 'undefined') return false;
  return (window.location.pathname.replace(/\/+$/, '') || '/') === path;
}
