// sign.mjs — drives the usager's signing step in headless Debian chromium.
//
//   node tests/browser/sign.mjs URL [--login angela] [--password 123] [--shots DIR]
//                               [--expect-text TEXT] [--no-click] [--alone]
//
// URL is acd's page "/sign/TOKEN". The driver opens it (DIR/1-draft.png), ticks
// the usager's consent ("J'accepte ce mandat") when the page asks it, clicks
// "S'identifier avec FranceConnect", logs in on the provider's page
// (DIR/2-fc-login.png), follows the redirections back to acd (DIR/3-done.png),
// prints the final page's visible text on stdout, and exits 0 when TEXT
// (default "Identité vérifiée") is in it, 1 when it is not or when the provider
// refused the login (its page's text is printed then, DIR/3-fc-refused.png).
//
// --no-click: only opens URL, prints "status NNN" (the HTTP status) then the
// page's visible text, takes DIR/1-page.png; exits 0, or, when --expect-text is
// given, 0/1 as above. For acd's error pages (used or expired links).
//
// --alone: also ticks "Je signe seul·e" (the usager says no aidant is beside
// them); exits 2 when the page has no such box.
//
// Any other failure (a step taking more than 30 s, no such button, ...) exits 2.
// The browser is /usr/bin/chromium: never `npx playwright install`.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { STEP_MS, launchChromium, newPage } from './chromium.mjs';

const BUTTON = /^\s*S['’]identifier avec FranceConnect\s*$/;

function fail(code, msg) {
	process.stderr.write(`sign.mjs: ${msg}\n`);
	process.exit(code);
}

let opts;
let positionals;
try {
	({ values: opts, positionals } = parseArgs({
		options: {
			login: { type: 'string', default: 'angela' },
			password: { type: 'string', default: '123' },
			shots: { type: 'string' },
			'expect-text': { type: 'string' },
			'no-click': { type: 'boolean', default: false },
			alone: { type: 'boolean', default: false },
		},
		allowPositionals: true,
		strict: true,
	}));
} catch (e) {
	fail(2, e.message);
}
if (positionals.length !== 1) {
	fail(2, 'usage: node tests/browser/sign.mjs URL [--login L] [--password P] [--shots DIR] [--expect-text TEXT] [--no-click] [--alone]');
}
const url = positionals[0];
let origin;
try {
	origin = new URL(url).origin;
} catch {
	fail(2, `not a URL: ${url}`);
}
if (opts.shots) mkdirSync(opts.shots, { recursive: true });

async function shot(page, name) {
	if (opts.shots) await page.screenshot({ path: path.join(opts.shots, name), fullPage: true, timeout: STEP_MS });
}

const bodyText = (page) => page.evaluate(() => document.body?.innerText ?? '');

async function run(browser) {
	const page = await newPage(browser);

	const first = await page.goto(url, { waitUntil: 'load' });
	if (opts['no-click']) {
		await shot(page, '1-page.png');
		const text = await bodyText(page);
		process.stdout.write(`status ${first ? first.status() : 0}\n${text}\n`);
		if (opts['expect-text'] !== undefined && !text.includes(opts['expect-text'])) {
			return [1, `"${opts['expect-text']}" is not on the page`];
		}
		return [0];
	}
	await shot(page, '1-draft.png');

	const button = page.getByRole('button', { name: BUTTON });
	if (await button.count() !== 1) {
		throw new Error(`no single button "S'identifier avec FranceConnect" on ${page.url()} `
			+ `(status ${first ? first.status() : '?'}): ${(await bodyText(page)).slice(0, 300)}`);
	}
	// the usager's own consent, ticked as a person would (by its label); a page
	// without it (flow-check.mjs's) is sent as it is, and acd would refuse it
	const consent = page.getByLabel("J'accepte ce mandat");
	if (await consent.count() === 1) await consent.check();
	if (opts.alone) await page.getByLabel('Je signe seul·e').check();
	// acd answers the form with a redirection to FranceConnect, or with a page
	// of its own saying why not: tell that page rather than wait for nothing
	const [sent] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
	if (new URL(page.url()).origin === origin) {
		throw new Error(`acd did not send the browser to FranceConnect (status ${sent ? sent.status() : '?'}): `
			+ `${(await bodyText(page)).slice(0, 300)}`);
	}
	const fcOrigin = new URL(page.url()).origin;
	const login = page.locator('input[name="login"]');
	try {
		await login.waitFor();
	} catch {
		throw new Error(`no login form at ${page.url()}: ${(await bodyText(page)).slice(0, 300)}`);
	}
	await login.fill(opts.login);
	await page.locator('input[name="password"]').fill(opts.password);
	await shot(page, '2-fc-login.png');

	// Submitting ends on acd's page, or on the provider's page again (refused login).
	let finalResponse = null;
	page.on('response', (r) => {
		if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()
			&& new URL(r.url()).origin === origin) finalResponse = r;
	});
	const refused = Symbol('refused');
	const backToAcd = page.waitForURL((u) => u.origin === origin, { waitUntil: 'load' });
	const alert = page.locator('[role="alert"]');
	const outcome = await Promise.all([
		Promise.race([backToAcd, alert.waitFor().then(() => refused)]),
		page.getByRole('button', { name: 'Se connecter' }).click(),
	]).then(([r]) => r, async (e) => {
		if (new URL(page.url()).origin === fcOrigin) {
			throw new Error(`still on the provider after login (${page.url()}): ${(await bodyText(page)).slice(0, 300)}`);
		}
		throw e;
	});
	if (outcome === refused) {
		backToAcd.catch(() => {});
		await shot(page, '3-fc-refused.png');
		process.stdout.write(`${await bodyText(page)}\n`);
		return [1, `the provider refused the login "${opts.login}": ${(await alert.innerText()).trim()}`];
	}
	await shot(page, '3-done.png');
	const text = await bodyText(page);
	process.stdout.write(`${text}\n`);
	const expect = opts['expect-text'] ?? 'Identité vérifiée';
	if (!text.includes(expect)) {
		return [1, `"${expect}" is not on the final page ${page.url()}`
			+ ` (status ${finalResponse ? finalResponse.status() : '?'})`];
	}
	return [0];
}

let browser;
let result;
try {
	browser = await launchChromium();
	result = await run(browser);
} catch (e) {
	result = [2, e.message.split('\nCall log:')[0].trim()];
} finally {
	if (browser) await browser.close().catch(() => {});
}
if (result[0] !== 0) fail(result[0], result[1]);
process.exit(0);
