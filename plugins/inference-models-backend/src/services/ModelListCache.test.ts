import { ModelListCache } from './ModelListCache';

const model = (name: string) => ({ metadata: { name } });

describe('ModelListCache', () => {
  let now = 0;
  let reads = 0;
  let fail = false;
  let release: (() => void) | undefined;
  const cache = () =>
    new ModelListCache({
      read: async location => {
        reads += 1;
        if (release) await new Promise<void>(r => (release = r));
        if (fail) throw new Error(`location ${location}: kubernetes: down`);
        return [model(`m${reads}`)];
      },
      freshMs: 5000,
      maxStaleMs: 60000,
      now: () => now,
    });

  beforeEach(() => {
    now = 0;
    reads = 0;
    fail = false;
    release = undefined;
  });

  it('shares one read between concurrent callers and serves a fresh list from memory', async () => {
    const c = cache();
    release = () => {};
    const all = Promise.all([c.get('a'), c.get('a'), c.get('a')]);
    await new Promise(r => setImmediate(r));
    release!();
    const lists = await all;
    expect(reads).toBe(1);
    expect(lists.map(l => l[0].metadata.name)).toEqual(['m1', 'm1', 'm1']);
    now = 4999;
    expect((await c.get('a'))[0].metadata.name).toBe('m1');
    expect(reads).toBe(1);
  });

  it('serves a stale list at once and refreshes it in the background', async () => {
    const c = cache();
    await c.get('a');
    now = 10_000;
    expect((await c.get('a'))[0].metadata.name).toBe('m1');
    await new Promise(r => setImmediate(r));
    expect(reads).toBe(2);
    expect((await c.get('a'))[0].metadata.name).toBe('m2');
  });

  it('reports a failure once the list is too old, and keeps locations apart', async () => {
    const c = cache();
    await c.get('a');
    fail = true;
    now = 60_000;
    await expect(c.get('a')).rejects.toThrow('location a: kubernetes: down');
    await expect(c.get('b')).rejects.toThrow('location b: kubernetes: down');
  });

  it('serves the same object while fresh and a new one after a refresh', async () => {
    const c = cache();
    const first = await c.get('a');
    now = 4999;
    expect(await c.get('a')).toBe(first);
    now = 70_000;
    const second = await c.get('a');
    expect(second).not.toBe(first);
    expect(second[0].metadata.name).toBe('m2');
  });
});
