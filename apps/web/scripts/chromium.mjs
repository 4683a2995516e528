// Debian's Chromium, driven by puppeteer-core (which never downloads a browser), with the flags that
// keep a headless run quiet and offline: one place for the e2e suite, the measure script and the
// browser benchmark.
import puppeteer from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Starts the headless Chromium. */
export function launchChromium() {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: false, // '--headless' is in the flags, as given
    args: CHROMIUM_ARGS,
    // A long benchmark inside one page.evaluate outlasts puppeteer's default 3 minutes on a busy machine.
    protocolTimeout: 900_000,
  });
}
