import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../src/dashboard/ansi.js';
import { App } from '../src/dashboard/App.js';
import { DashboardStore } from '../src/dashboard/store.js';
import { Control } from '../src/protocol.js';
import { fakeBatch, fakeInfo } from './fixtures.js';

describe('App', () => {
  it('redraws from the store and maps p, s and q to the controls', async () => {
    const store = new DashboardStore();
    const control = new Control();
    const onQuit = vi.fn();
    const { lastFrame, stdin, unmount } = render(
      <App store={store} control={control} onQuit={onQuit} fps={50} />,
    );
    const frame = () => stripAnsi(lastFrame() ?? '');
    // Redraws are throttled and keys arrive asynchronously: wait for each effect (however busy the machine).
    const settle = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 10 });
    store.apply({ type: 'start', info: fakeInfo() });
    store.apply({ type: 'batch', info: fakeBatch(2, 100), progress: false });
    await settle(() => expect(frame()).toContain('Batch 100/844'));

    stdin.write('p');
    await settle(() => expect(frame()).toContain(' PAUSED  loss'));
    expect(control.paused).toBe(true);
    expect(frame()).toContain('p resume');

    stdin.write('s');
    await settle(() => expect(frame()).toContain('saving a checkpoint…'));
    expect(control.takeSaveRequest()).toBe(true);

    stdin.write('p');
    await settle(() => expect(control.paused).toBe(false));

    stdin.write('q');
    await settle(() => expect(onQuit).toHaveBeenCalledWith('q'));
    stdin.write('\x03'); // Ctrl-C
    await settle(() => expect(onQuit).toHaveBeenLastCalledWith('ctrl-c'));
    unmount();
  });
});
