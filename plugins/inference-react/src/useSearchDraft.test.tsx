import { act, renderHook } from '@testing-library/react';
import { useSearchDraft } from './useSearchDraft';

describe('useSearchDraft', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setup = (initial = '') => {
    const writes: string[] = [];
    const hook = renderHook(
      ({ url }: { url: string }) =>
        useSearchDraft(url, value => writes.push(value)),
      { initialProps: { url: initial } },
    );
    return { hook, writes };
  };

  it('shows every keystroke at once and writes the URL once typing pauses', () => {
    const { hook, writes } = setup();
    act(() => hook.result.current[1]('g'));
    act(() => hook.result.current[1]('ge'));
    expect(hook.result.current[0]).toBe('ge');
    expect(writes).toEqual([]);
    act(() => jest.advanceTimersByTime(299));
    expect(writes).toEqual([]);
    act(() => jest.advanceTimersByTime(1));
    expect(writes).toEqual(['ge']);
  });

  it('keeps what is typed when the URL catches up with an older value', () => {
    const { hook, writes } = setup();
    act(() => hook.result.current[1]('ge'));
    act(() => jest.advanceTimersByTime(300));
    act(() => hook.result.current[1]('gem'));
    // The router re-renders with the value written 300 ms ago.
    hook.rerender({ url: writes[0] });
    expect(hook.result.current[0]).toBe('gem');
    act(() => jest.advanceTimersByTime(300));
    expect(writes).toEqual(['ge', 'gem']);
  });

  it('takes a value the URL gets from elsewhere (back, a shared link) and drops the pending write', () => {
    const { hook, writes } = setup('qwen');
    expect(hook.result.current[0]).toBe('qwen');
    act(() => hook.result.current[1]('qwe'));
    hook.rerender({ url: 'llama' });
    expect(hook.result.current[0]).toBe('llama');
    act(() => jest.advanceTimersByTime(1000));
    expect(writes).toEqual([]);
  });

  it('writes what was typed when the page is left before the pause', () => {
    const { hook, writes } = setup();
    act(() => hook.result.current[1]('bge'));
    hook.unmount();
    expect(writes).toEqual(['bge']);
  });
});
