import type { Browser } from 'puppeteer-core';

/** The Chromium executable (`CHROMIUM_PATH`, default /usr/bin/chromium). */
export const CHROMIUM: string;
/** Flags for a quiet, offline headless run. */
export const CHROMIUM_ARGS: string[];
/** Starts the headless Chromium. */
export function launchChromium(): Promise<Browser>;
