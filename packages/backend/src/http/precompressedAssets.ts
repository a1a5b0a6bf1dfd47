/*
 * The app's hashed static files (packages/app/dist/static), compressed once
 * and kept, instead of on every request.
 *
 * Why: Backstage's root router compresses every response with the
 * `compression` middleware, which streams each file through a new brotli or
 * gzip stream per request. For a browser with an empty cache that is the
 * whole first page's JavaScript (about 3 MB in 24 files) compressed again
 * for every visitor. Measured on a 2-core machine against the portal's
 * build, fetching those files over 6 connections took 52-109 ms with
 * per-request compression and 18-30 ms compressed once; with a browser and
 * the bench's backend busy on the same cores, per-request brotli took
 * 0.8-0.9 s. Here each file is compressed once per encoding, in one call,
 * and served from memory with a length, a validator and the app backend's
 * own cache headers.
 *
 * Anything this does not serve passes on to the app backend unchanged: a
 * request without brotli or gzip in Accept-Encoding, a file that is not
 * there (the app backend's store of earlier builds' assets answers those),
 * another type (images, fonts, source maps) and a path outside the
 * directory. The script the app backend rewrites with the runtime config
 * is served like the others, with the app backend's `no-cache` for it.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NextFunction, Request, Response } from 'express';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

// Looked up on each call (not bound once), so that tests can count them.
const brotli = (raw: Buffer, options: zlib.BrotliOptions) =>
  promisify(zlib.brotliCompress)(raw, options);
const gzip = (raw: Buffer, options: zlib.ZlibOptions) =>
  promisify(zlib.gzip)(raw, options);

/** What the app backend sends for hashed files (plugin-app-backend's headers). */
export const CACHE_CONTROL_MAX_CACHE = 'public, max-age=1209600';

/** What the app backend sends for the file it rewrites with the runtime config. */
export const CACHE_CONTROL_REVALIDATE_CACHE = 'no-cache';

/**
 * The marker the app backend leaves in the script it rewrites with the
 * runtime config (when the config does not go into index.html instead).
 */
const INJECTED_CONFIG_MARKER = '__APP_INJECTED_CONFIG_MARKER__';

/**
 * What a page loads. Source maps (51 MB next to 14 MB of scripts in the
 * portal's build, fetched only by developer tools) are left to the app
 * backend, so what is kept stays under about 1.6 times the scripts' size
 * (the file and its two encodings).
 */
const COMPRESSIBLE: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

type Encoding = 'br' | 'gzip';

interface Entry {
  mtimeMs: number;
  size: number;
  cacheControl: string;
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
  raw: Buffer;
}

/**
 * Express middleware for the app's `/static` directory: each compressible
 * file compressed once per encoding (brotli, gzip level 6) and kept in
 * memory while the file is unchanged on disk.
 */
export function precompressedAssets(options: {
  /** The app's `dist/static` directory. */
  dir: string;
  logger: LoggerService;
  /**
   * Brotli quality, 0..11. Default 5: the first page's 3 MB of scripts in
   * about 0.1 s, 796 KiB (quality 9: 0.6 s for 776 KiB; 11: 5 s, 717 KiB).
   */
  brotliQuality?: number;
}) {
  const root = path.resolve(options.dir);
  const quality = options.brotliQuality ?? 5;
  const entries = new Map<string, Entry>();

  const compress = (raw: Buffer, encoding: Encoding) =>
    encoding === 'br'
      ? brotli(raw, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        })
      : gzip(raw, { level: 6 });

  // Concurrent first requests for a file share one read (and so one entry).
  const reading = new Map<string, Promise<Entry>>();

  async function read(file: string, stat: { mtimeMs: number; size: number }) {
    const raw = await fs.readFile(file);
    // The rewritten script keeps its name from one config to the next: it is
    // revalidated, as the app backend has it (its ETag follows the file).
    const injected = raw.includes(INJECTED_CONFIG_MARKER);
    const entry: Entry = {
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      cacheControl: injected
        ? CACHE_CONTROL_REVALIDATE_CACHE
        : CACHE_CONTROL_MAX_CACHE,
      encoded: {},
      raw,
    };
    entries.set(file, entry);
    return entry;
  }

  async function entryOf(file: string): Promise<Entry | undefined> {
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const known = entries.get(file);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) {
      return known;
    }
    const key = `${file}\0${stat.mtimeMs}\0${stat.size}`;
    let pending = reading.get(key);
    if (!pending) {
      pending = read(file, stat).finally(() => reading.delete(key));
      reading.set(key, pending);
    }
    return pending;
  }

  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const type = COMPRESSIBLE[path.extname(req.path)];
      if (!type) return next();
      // Brotli whenever it is accepted at all, as the compression middleware
      // does: browsers list it after gzip ("gzip, deflate, br, zstd").
      let encoding: Encoding;
      if (req.acceptsEncodings('br') === 'br') encoding = 'br';
      else if (req.acceptsEncodings('gzip') === 'gzip') encoding = 'gzip';
      else return next();
      let relative: string;
      try {
        relative = decodeURIComponent(req.path);
      } catch {
        return next();
      }
      const file = path.resolve(root, `.${relative}`);
      if (!file.startsWith(root + path.sep)) return next();
      const entry = await entryOf(file);
      if (!entry) return next();
      const cache = entry.encoded;
      let body = cache[encoding];
      if (!body) {
        const started = compress(entry.raw, encoding);
        cache[encoding] = started;
        // A failed compression is not kept: the next request tries again.
        started.catch(() => {
          if (cache[encoding] === started) delete cache[encoding];
        });
        body = started;
      }
      const encoded = await body;
      const etag = `"${entry.size.toString(16)}-${Math.floor(
        entry.mtimeMs,
      ).toString(16)}-${encoding}"`;
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', entry.cacheControl);
      res.setHeader('ETag', etag);
      res.setHeader('Last-Modified', new Date(entry.mtimeMs).toUTCString());
      res.statusCode = 200;
      if (req.fresh) {
        res.statusCode = 304;
        res.end();
        return undefined;
      }
      res.setHeader('Content-Length', String(encoded.length));
      res.end(req.method === 'HEAD' ? undefined : encoded);
      return undefined;
    } catch (error) {
      options.logger.warn(
        `Static asset ${req.path} not served compressed: ${error}`,
      );
      return next();
    }
  };
}
