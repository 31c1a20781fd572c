// usager-space.mjs — the usager in their space (/usager), in headless Debian chromium.
//
//   node tests/browser/usager-space.mjs URL [--login angela] [--password 123] [--shots DIR]
//                                       [--revoke MANDATE_ID [--demarche CODE]]
//
// URL is acd's "/usager". The driver opens it (DIR/1-usager.png), clicks
// "S'identifier avec FranceConnect", logs in on the provider's page
// (DIR/2-fc-login.png), comes back to the space (DIR/3-space.png) and prints its
// visible text on stdout. With --revoke, it then submits the revocation form of
// that mandate — the whole mandate, or only démarche CODE — accepts a
// confirmation page if acd shows one, prints "---" and the page it ends on
// (DIR/4-revoked.png), and exits 0 when that page is the space again (status 200).
//
// Exit status: 0 done; 1 the provider refused the login, or the revocation did
// not end on the space; 2 anything else (a step over 30 s, no such button or
// form...). The browser is /usr/bin/chromium: never `npx playwright install`.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const STEP_MS = Number(process.env.AC_BROWSER_STEP_MS) || 30000;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const FC_BUTTON = /^\s*S['’]identifier avec FranceConnect\s*$/;

function fail(code, msg) {
	process.stderr.write(`usager-space.mjs: ${msg}\n`);
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
			revoke: { type: 'string' },
			demarche: { type: 'string' },
		},
		allowPositionals: true,
		strict: true,
	}));
} catch (e) {
	fail(2, e.message);
}
if (positionals.length !== 1) {
	fail(2, 'usage: node tests/browser/usager-space.mjs URL [--login L] [--password P] [--shots DIR] [--revoke ID [--demarche CODE]]');
}
if (opts.demarche !== undefined && opts.revoke === undefined) fail(2, '--demarche goes with --revoke');
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

// The submit control of the revocation form of mandate id (whole, or démarche code).
async function revokeControl(page, id, code) {
	const forms = page.locator('form').filter({ has: page.locator(`input[name="mandate"][value="${id}"]`) });
	const n = await forms.count();
	for (let i = 0; i < n; i++) {
		const form = forms.nth(i);
		const named = form.locator('[name="demarche"]');
		if (code === undefined) {
			if (await named.count() === 0) return form.locator('button, input[type="submit"]').first();
			continue;
		}
		const mine = form.locator(`[name="demarche"][value="${code}"]`);
		if (await mine.count() === 1) {
			if (await mine.evaluate((e) => e.tagName === 'BUTTON')) return mine;
			return form.locator('button, input[type="submit"]').first();
		}
	}
	return null;
}

async function run(browser) {
	const context = await browser.newContext({ locale: 'fr-FR' });
	const page = await context.newPage();
	page.setDefaultTimeout(STEP_MS);
	page.setDefaultNavigationTimeout(STEP_MS);
	let lastStatus = 0;
	page.on('response', (r) => {
		if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) lastStatus = r.status();
	});

	await page.goto(url, { waitUntil: 'load' });
	await shot(page, '1-usager.png');
	const button = page.getByRole('button', { name: FC_BUTTON });
	if (await button.count() !== 1) {
		throw new Error(`no single button "S'identifier avec FranceConnect" on ${page.url()} `
			+ `(status ${lastStatus}): ${(await bodyText(page)).slice(0, 300)}`);
	}
	await Promise.all([page.waitForURL((u) => u.origin !== origin, { waitUntil: 'load' }), button.click()]);
	const login = page.locator('input[name="login"]');
	await login.waitFor().catch(async () => {
		throw new Error(`no login form at ${page.url()}: ${(await bodyText(page)).slice(0, 300)}`);
	});
	await login.fill(opts.login);
	await page.locator('input[name="password"]').fill(opts.password);
	await shot(page, '2-fc-login.png');
	const refused = Symbol('refused');
	const back = page.waitForURL((u) => u.origin === origin, { waitUntil: 'load' });
	const outcome = await Promise.all([
		Promise.race([back, page.locator('[role="alert"]').waitFor().then(() => refused)]),
		page.getByRole('button', { name: 'Se connecter' }).click(),
	]).then(([r]) => r);
	if (outcome === refused) {
		back.catch(() => {});
		await shot(page, '3-fc-refused.png');
		process.stdout.write(`${await bodyText(page)}\n`);
		return [1, `the provider refused the login "${opts.login}"`];
	}
	await shot(page, '3-space.png');
	process.stdout.write(`${await bodyText(page)}\n`);
	if (opts.revoke === undefined) return [0];

	const control = await revokeControl(page, opts.revoke, opts.demarche);
	if (!control) {
		throw new Error(`no revocation form for mandate ${opts.revoke}`
			+ `${opts.demarche ? ` (démarche ${opts.demarche})` : ''} on ${page.url()}`);
	}
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), control.click()]);
	// a confirmation step, if acd asks for one: its single submit button
	if (!new URL(page.url()).pathname.match(/^\/usager\/?$/)) {
		const confirm = page.locator('form[action*="/usager/revoke"] button, form[action*="/usager/revoke"] input[type="submit"]');
		if (await confirm.count() === 1) {
			await shot(page, '4-confirm.png');
			await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), confirm.click()]);
		}
	}
	await shot(page, '4-revoked.png');
	process.stdout.write(`---\n${await bodyText(page)}\n`);
	if (lastStatus !== 200 || !new URL(page.url()).pathname.startsWith('/usager')) {
		return [1, `the revocation ended on ${page.url()} (status ${lastStatus})`];
	}
	return [0];
}

let browser;
let result;
try {
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: STEP_MS });
	result = await run(browser);
} catch (e) {
	result = [2, e.message.split('\nCall log:')[0].trim()];
} finally {
	if (browser) await browser.close().catch(() => {});
}
if (result[0] !== 0) fail(result[0], result[1]);
process.exit(0);
