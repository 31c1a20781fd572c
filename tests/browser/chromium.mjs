// chromium.mjs — what every browser driver of the tests shares: Debian's
// chromium (/usr/bin/chromium, or $CHROMIUM: never `npx playwright install`),
// headless, and how long one step may take.

import { chromium } from 'playwright-core';

// a step of a loaded machine (the sanitizer build, two cores) may take long
export const STEP_MS = Number(process.env.AC_BROWSER_STEP_MS) || 30000;

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS, timeout: STEP_MS,
	});
}

// A page whose every wait is bounded by STEP_MS.
export async function newPage(browser, contextOptions = { locale: 'fr-FR' }) {
	const page = await (await browser.newContext(contextOptions)).newPage();
	page.setDefaultTimeout(STEP_MS);
	page.setDefaultNavigationTimeout(STEP_MS);
	return page;
}
