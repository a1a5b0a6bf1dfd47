/**
 * The URL of `path` (absolute, e.g. `/api/customers?x=1`) on an external
 * system configured at `baseUrl`, keeping the base URL's own path: a Bifrost
 * behind `https://gw.example.com/bifrost` is called at
 * `https://gw.example.com/bifrost/api/customers`, which `new URL(path,
 * baseUrl)` would have dropped. The result never leaves the base URL's
 * origin (a path like `//evil.example` throws).
 */
export function externalUrl(baseUrl: string, path: string): URL {
  if (!path.startsWith('/') || path.startsWith('//')) {
    throw new Error(`external path must start with a single '/'`);
  }
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const url = new URL(`${prefix}${path}`, base.origin);
  if (url.origin !== base.origin) {
    throw new Error('external path left the configured origin');
  }
  return url;
}
