import { useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { Control } from '../protocol.js';
import { Dashboard } from './Dashboard.js';
import type { DashboardStore } from './store.js';

/** Props of {@link App}. */
export interface AppProps {
  store: DashboardStore;
  control: Control;
  /** Called on `q` and Ctrl-C: the CLI asks the worker to save and stop. */
  onQuit: (key: 'q' | 'ctrl-c') => void;
  /** Redraws per second at most (default 10). */
  fps?: number;
}

/**
 * The live dashboard: redraws from the store at a bounded rate (only when something changed, or
 * once a second for the clock), follows terminal resizes, and maps keys to worker controls.
 */
export function App({ store, control, onQuit, fps = 10 }: AppProps) {
  const { stdout } = useStdout();
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const [size, setSize] = useState({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [frame, setFrame] = useState(() => ({ state: store.snapshot(), now: Date.now() }));

  useEffect(() => {
    const onResize = () => setSize({ width: stdout.columns || 80, height: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  useEffect(() => {
    let version = store.version;
    let drawn = Date.now();
    const timer = setInterval(
      () => {
        const now = Date.now();
        if (store.version === version && now - drawn < 1000) return;
        version = store.version;
        drawn = now;
        setFrame({ state: store.snapshot(), now });
      },
      Math.round(1000 / fps),
    );
    return () => clearInterval(timer);
  }, [store, fps]);

  useEffect(() => {
    if (frame.state.phase === 'done') exit();
  }, [frame.state.phase, exit]);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) {
        store.apply({ type: 'status', message: 'saving a checkpoint and quitting…' });
        onQuit(input === 'q' ? 'q' : 'ctrl-c');
      } else if (input === 'p') {
        const paused = control.togglePause();
        store.apply({ type: 'paused', paused });
      } else if (input === 's') {
        control.requestSave();
        store.apply({ type: 'status', message: 'saving a checkpoint…' });
      }
    },
    { isActive: isRawModeSupported },
  );

  return <Dashboard state={frame.state} width={size.width} height={size.height} now={frame.now} />;
}
