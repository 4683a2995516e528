/** Debian's Chromium, driven by puppeteer-core (which never downloads a browser). */
export { CHROMIUM, CHROMIUM_ARGS, launchChromium } from '../scripts/chromium.mjs';
