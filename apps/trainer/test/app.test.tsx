import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../src/dashboard/ansi.js';
import { App } from '../src/dashboard/App.js';
import { DashboardStore } from '../src/dashboard/store.js';
import { Control } from '../src/protocol.js';
import { fakeBatch, fakeInfo } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('App', () => {
  it('redraws from the store and maps p, s and q to the controls', async () => {
    const store = new DashboardStore();
    const control = new Control();
    const onQuit = vi.fn();
    const { lastFrame, stdin, unmount } = render(
      <App store={store} control={control} onQuit={onQuit} fps={50} />,
    );
    store.apply({ type: 'start', info: fakeInfo() });
    store.apply({ type: 'batch', info: fakeBatch(2, 100), progress: false });
    await sleep(80);
    expect(stripAnsi(lastFrame() ?? '')).toContain('Batch 100/844');

    stdin.write('p');
    await sleep(80);
    expect(control.paused).toBe(true);
    expect(stripAnsi(lastFrame() ?? '')).toContain(' PAUSED  loss');
    expect(stripAnsi(lastFrame() ?? '')).toContain('p resume');

    stdin.write('s');
    await sleep(80);
    expect(control.takeSaveRequest()).toBe(true);
    expect(stripAnsi(lastFrame() ?? '')).toContain('saving a checkpoint…');

    stdin.write('p');
    await sleep(20);
    expect(control.paused).toBe(false);

    stdin.write('q');
    await sleep(20);
    expect(onQuit).toHaveBeenCalledWith('q');
    stdin.write('\x03'); // Ctrl-C
    await sleep(20);
    expect(onQuit).toHaveBeenLastCalledWith('ctrl-c');
    unmount();
  });
});
