/*
 * The console benchmark's measurements in Chromium. Times are taken inside
 * the page (performance.now(), whose origin is the navigation's start): an
 * init script watches the DOM with a MutationObserver and stamps the
 * animation frame in which a condition first holds, so the figures do not
 * include Playwright's polling or its round trips.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot } from './backendProcess';

/** What "filled" means, checked in the page on every DOM change. */
declare global {
  interface Window {
    __bench: {
      seen: Record<string, number>;
      /** Resolves with the time (performance.now()) the condition first held. */
      wait(name: string, timeoutMs: number): Promise<number>;
    };
  }
}

/**
 * Installed before the app's scripts: `modelsRow` is a data row of the
 * Models table on screen; `homeFilled` is the company card plus
 * `locations` location cards, each with its systems up and its figures,
 * and no skeleton or progress bar left anywhere.
 */
export function installProbes(locations: number) {
  // The Model column's cell (this function runs in the page: no imports).
  const ROW_HEADER = 'th[scope="row"], [role="rowheader"]';
  const seen: Record<string, number> = {};
  const visible = (e: Element) => {
    const r = e.getBoundingClientRect();
    return r.height > 0 && r.top < window.innerHeight;
  };
  const conditions: Record<string, () => boolean> = {
    modelsRow: () =>
      location.pathname.endsWith('/inference/models') &&
      // A data row: a <tr> with a row header (the Model column), a <th
      // scope="row"> or, in a react-aria grid, a `rowheader` cell.
      Array.from(document.querySelectorAll('tr, [role="row"]')).some(
        r =>
          /^model-\d+$/.test(r.querySelector(ROW_HEADER)?.textContent ?? '') &&
          visible(r),
      ),
    homeFilled: () => {
      if (location.pathname !== '/') return false;
      if (
        document.querySelector('[class*="bui-Skeleton"], [role="progressbar"]')
      ) {
        return false;
      }
      if (!document.querySelector('[data-location="company"]')) return false;
      const cards = Array.from(
        document.querySelectorAll('[data-location]'),
      ).filter(c => c.getAttribute('data-location') !== 'company');
      const text = (c: Element, figure: string) =>
        c.querySelector(`[data-figure="${figure}"]`)?.textContent ?? '';
      return (
        cards.length === locations &&
        cards.every(
          c =>
            /^\d+\/[1-9]\d*$/.test(text(c, 'models-ready')) &&
            ['cluster', 'bifrost', 'odoo'].every(s =>
              text(c, s).startsWith('up'),
            ) &&
            text(c, 'requests') !== '',
        )
      );
    },
  };
  const check = () => {
    for (const [name, holds] of Object.entries(conditions)) {
      if (!(name in seen) && !pending.has(name) && holds()) {
        // Stamped at the frame that paints it.
        pending.add(name);
        requestAnimationFrame(() => {
          pending.delete(name);
          seen[name] = performance.now();
        });
      }
    }
  };
  const pending = new Set<string>();
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
  window.__bench = {
    seen,
    wait: (name, timeoutMs) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        const poll = () => {
          if (name in seen) resolve(seen[name]);
          else if (performance.now() - t0 > timeoutMs)
            reject(new Error(`${name} did not happen in ${timeoutMs} ms`));
          else setTimeout(poll, 20);
        };
        check();
        poll();
      }),
  };
}

export async function newBenchContext(options: {
  browser: import('playwright-core').Browser;
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>;
  locations: number;
}): Promise<BrowserContext> {
  const context = await options.browser.newContext({
    viewport: { width: 1440, height: 900 },
    storageState: options.storageState,
  });
  // tsx compiles this file keeping function names through a `__name`
  // helper that the page does not have: give it one before the probes (and
  // for the functions passed to page.evaluate).
  await context.addInitScript({
    content: 'globalThis.__name = globalThis.__name || (f => f);',
  });
  await context.addInitScript(installProbes, options.locations);
  return context;
}

/** Milliseconds from the start of a `page.goto` to the condition. */
export async function timeGoto(
  page: Page,
  url: string,
  condition: 'modelsRow' | 'homeFilled',
): Promise<number> {
  await page.goto(url);
  try {
    return await page.evaluate(c => window.__bench.wait(c, 60_000), condition);
  } catch (error) {
    throw new Error(
      `${condition} at ${url}: ${error}; the page shows (screenshot ${await failureShot(
        page,
      )}):\n${(await page.innerText('body')).slice(0, 3000)}`,
    );
  }
}

/** A screenshot of a page that did not get filled, for the error message. */
async function failureShot(page: Page): Promise<string> {
  const file = path.join(repoRoot, 'test/bench/dist/console-failure.png');
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  return file;
}

/**
 * Milliseconds from clicking a link of the sidebar (`nav a[href=...]`:
 * in-app navigation, the same document) to the condition.
 */
export async function timeClick(
  page: Page,
  href: string,
  condition: 'modelsRow' | 'homeFilled',
): Promise<number> {
  const link = await page
    .locator(`nav a[href="${href}"]`)
    .first()
    .elementHandle();
  return page.evaluate(
    async ({ c, a }) => {
      delete window.__bench.seen[c];
      const t0 = performance.now();
      (a as HTMLElement).click();
      return (await window.__bench.wait(c, 60_000)) - t0;
    },
    { c: condition, a: link },
  );
}

/**
 * Milliseconds from the keydown of one character typed into the Models
 * search box to the table showing the rows of the new query: the count
 * line says `total` matches and every row's Model name contains the query.
 */
export interface Keystroke {
  /** Keydown to the table of the new query on screen. */
  total: number;
  /** Keydown to the start and the end of the list request it sent. */
  requestStart: number;
  requestEnd: number;
}

export async function timeKeystroke(
  page: Page,
  options: { key: string; query: string; total: number },
): Promise<Keystroke> {
  // Armed first (listener and observer in place), then the key is pressed.
  await page.evaluate(({ query, total }) => {
    const ROW_HEADER = 'th[scope="row"], [role="rowheader"]';
    let keydown: number | undefined;
    // On the document, in the capture phase: whatever input gets the key.
    document.addEventListener(
      'keydown',
      e => {
        keydown = e.timeStamp;
      },
      { capture: true, once: true },
    );
    const countText = `${total} ${total === 1 ? 'model' : 'models'} match`;
    const done = () => {
      if (keydown === undefined) return false;
      const count = Array.from(document.querySelectorAll('p')).some(
        p => p.textContent === countText,
      );
      if (!count) return false;
      const rows = Array.from(
        document.querySelectorAll('tr, [role="row"]'),
      ).filter(r => r.querySelector(ROW_HEADER));
      return (
        rows.length > 0 &&
        rows.every(r => {
          // The Model column: the name (no title on the bench's Models).
          const name = r.querySelector(ROW_HEADER)?.textContent;
          return /^model-\d+$/.test(name ?? '') && name!.includes(query);
        })
      );
    };
    (window as any).__keystroke = new Promise<Keystroke>((resolve, reject) => {
      const observer = new MutationObserver(() => {
        if (done()) {
          observer.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() => {
            // The list request this key sent, for where the time goes.
            const request = (
              performance.getEntriesByType(
                'resource',
              ) as PerformanceResourceTiming[]
            )
              .filter(
                e =>
                  e.name.includes('/api/inference-models/models') &&
                  e.startTime > keydown!,
              )
              .pop();
            resolve({
              total: performance.now() - keydown!,
              requestStart: request ? request.startTime - keydown! : NaN,
              requestEnd: request ? request.responseEnd - keydown! : NaN,
            });
          });
        }
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
      const timer = setTimeout(() => {
        observer.disconnect();
        const shown = Array.from(document.querySelectorAll('p'))
          .map(p => p.textContent ?? '')
          .filter(t => / models?( match)?$/.test(t));
        const input = document.querySelector('input[type="search"]');
        reject(
          new Error(
            `table for '${query}' (${countText}) not shown in 10 s; keydown ${
              keydown === undefined ? 'not seen' : 'seen'
            }, the page says ${JSON.stringify(shown)}, search box '${
              (input as HTMLInputElement | null)?.value
            }'`,
          ),
        );
      }, 10_000);
    });
  }, options);
  await page.keyboard.press(options.key);
  return page.evaluate(() => (window as any).__keystroke as Promise<Keystroke>);
}

export interface ScriptTransfer {
  url: string;
  /** Bytes Chromium received for it (CDP encodedDataLength, headers included). */
  transferred: number;
  contentEncoding: string;
  fromCache: boolean;
}

/**
 * Records every script response of `page` from now on through the Chrome
 * DevTools Protocol: its transfer size and the encoding it was served with.
 */
export async function recordScripts(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const scripts = new Map<string, ScriptTransfer>();
  cdp.on('Network.responseReceived', e => {
    if (e.type !== 'Script') return;
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    scripts.set(e.requestId, {
      url: e.response.url,
      transferred: 0,
      contentEncoding: String(headers['content-encoding'] ?? 'identity'),
      fromCache: Boolean(e.response.fromDiskCache),
    });
  });
  cdp.on('Network.loadingFinished', e => {
    const s = scripts.get(e.requestId);
    if (s) s.transferred = e.encodedDataLength;
  });
  return {
    scripts: () => Array.from(scripts.values()),
    stop: () => cdp.detach(),
  };
}
