import { preloadPageIfOpenedAt } from './preloadPage';

describe('preloadPageIfOpenedAt', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('loads the page at once when the app is opened on it, with or without a trailing slash or query', () => {
    for (const url of ['/inference/models', '/inference/models/?q=qwen']) {
      window.history.replaceState(null, '', url);
      const load = jest.fn(async () => ({}));
      preloadPageIfOpenedAt('/inference/models', load);
      expect([url, load.mock.calls.length]).toEqual([url, 1]);
    }
  });

  it('loads nothing when the app is opened elsewhere', () => {
    window.history.replaceState(null, '', '/inference/models/pr/qwen');
    const load = jest.fn(async () => ({}));
    preloadPageIfOpenedAt('/inference/models', load);
    preloadPageIfOpenedAt('/', load);
    expect(load).not.toHaveBeenCalled();
  });

  it('opens the home page on the root path', () => {
    const load = jest.fn(async () => ({}));
    preloadPageIfOpenedAt('/', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('leaves a failed preload to the page loader: no unhandled rejection', async () => {
    window.history.replaceState(null, '', '/inference/models');
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let rejected = false;
      preloadPageIfOpenedAt('/inference/models', () =>
        Promise.reject(new Error('chunk failed')).finally(() => {
          rejected = true;
        }),
      );
      // A few turns of the event loop: long enough for Node to report an
      // unhandled rejection, had the preload left one.
      for (let i = 0; i < 3; i++) {
        await new Promise(resolve => setTimeout(resolve, 0));
      }
      expect(rejected).toBe(true);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
