/** The page: two tabs, Draw and Train. Predictions run on this thread (reference backend). */
import { setBackend } from '@scratchnet/tensor';
import { setUpDrawPage, stats, useClassifier } from './draw-page.js';
import { setUpTrainPage, trainStats } from './train-page.js';

// One picture at a time is a few million multiply-adds: the reference backend answers in
// milliseconds and needs no WebAssembly compile on the page's thread.
setBackend('js');

function selectTab(name: 'draw' | 'train'): void {
  for (const t of ['draw', 'train'] as const) {
    const tab = document.getElementById(`tab-${t}`) as HTMLButtonElement;
    const on = t === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    (document.getElementById(`page-${t}`) as HTMLElement).hidden = !on;
  }
}

function setUpTabs(): void {
  const tabs = ['draw', 'train'] as const;
  for (const t of tabs) {
    const el = document.getElementById(`tab-${t}`) as HTMLButtonElement;
    el.addEventListener('click', () => selectTab(t));
    el.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const next = tabs[(tabs.indexOf(t) + 1) % tabs.length];
      selectTab(next);
      document.getElementById(`tab-${next}`)?.focus();
    });
  }
  if (location.hash === '#train') selectTab('train');
}

setUpTabs();
setUpDrawPage();
void setUpTrainPage((c) => {
  useClassifier(c);
  selectTab('draw');
});

// For the end-to-end tests and the README's measurements.
(globalThis as { scratchnet?: unknown }).scratchnet = { stats, trainStats };
