// usager.mjs — drives the usager's space (/usager) in headless Debian chromium.
//
//   node tests/browser/usager.mjs BASE_URL [--login angela] [--password 123]
//        [--shots DIR] [--cookies FILE] [--revoke BUTTON [--mandate N]] [--logout]
//        [--expect-text TEXT]
//
// Opens BASE_URL/usager (DIR/1-login.png), clicks "S'identifier avec
// FranceConnect", logs in on the provider's page (DIR/2-fc-login.png), follows
// the redirections back to acd (DIR/3-space.png) and prints that page's visible
// text on stdout.
//   --cookies FILE  writes the browser's cookies for acd as a curl cookie jar, so
//                   a test can go on with curl in the same session.
//   --revoke BUTTON clicks the button named BUTTON ("Révoquer tout le mandat",
//                   "Révoquer « Logement »"), within mandate N's section when
//                   --mandate N is given; prints "--- after revoke" and the page
//                   it lands on (DIR/4-revoked.png).
//   --logout        then clicks "Se déconnecter"; prints "--- after logout" and
//                   that page (DIR/5-logout.png).
// Exits 0 when TEXT (default "Se déconnecter": the space, with a session) is on
// the first page after login,
// 1 when not or when the provider refused the login, 2 on any other failure
// (a step taking more than 30 s, no such button...).
// The browser is /usr/bin/chromium: never `npx playwright install`.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { STEP_MS, launchChromium, newPage } from './chromium.mjs';

const FC_BUTTON = /^\s*S['’]identifier avec FranceConnect\s*$/;

function fail(code, msg) {
	process.stderr.write(`usager.mjs: ${msg}\n`);
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
			cookies: { type: 'string' },
			revoke: { type: 'string' },
			mandate: { type: 'string' },
			logout: { type: 'boolean', default: false },
			'expect-text': { type: 'string', default: 'Se déconnecter' },
		},
		allowPositionals: true,
		strict: true,
	}));
} catch (e) {
	fail(2, e.message);
}
if (positionals.length !== 1) {
	fail(2, 'usage: node tests/browser/usager.mjs BASE_URL [--login L] [--password P] [--shots DIR]'
		+ ' [--cookies FILE] [--revoke BUTTON [--mandate N]] [--logout] [--expect-text TEXT]');
}
let origin;
try {
	origin = new URL(positionals[0]).origin;
} catch {
	fail(2, `not a URL: ${positionals[0]}`);
}
if (opts.shots) mkdirSync(opts.shots, { recursive: true });

async function shot(page, name) {
	if (opts.shots) await page.screenshot({ path: path.join(opts.shots, name), fullPage: true, timeout: STEP_MS });
}

const bodyText = (page) => page.evaluate(() => document.body?.innerText ?? '');

// The cookies acd set (ac_*: cookies do not tell ports apart, and the provider
// runs on the same host), as a curl cookie jar (Netscape format).
async function saveCookies(context, file) {
	const host = new URL(origin).hostname;
	const lines = ['# Netscape HTTP Cookie File'];
	for (const c of await context.cookies()) {
		if (c.domain !== host || !c.name.startsWith('ac_')) continue;
		lines.push([(c.httpOnly ? '#HttpOnly_' : '') + c.domain, 'FALSE', c.path,
			c.secure ? 'TRUE' : 'FALSE', Math.max(0, Math.round(c.expires)), c.name, c.value].join('\t'));
	}
	writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

// Clicks a button that submits a form to acd and waits for the page it leads to.
async function submit(page, button) {
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

async function run(browser) {
	const page = await newPage(browser);
	const context = page.context();

	await page.goto(`${origin}/usager`, { waitUntil: 'load' });
	await shot(page, '1-login.png');
	const button = page.getByRole('button', { name: FC_BUTTON });
	if (await button.count() !== 1) {
		throw new Error(`no single button "S'identifier avec FranceConnect" on ${page.url()}: `
			+ `${(await bodyText(page)).slice(0, 300)}`);
	}
	// a redirection to FranceConnect, or acd's page saying why not
	const [sent] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
	if (new URL(page.url()).origin === origin) {
		throw new Error(`acd did not send the browser to FranceConnect (status ${sent ? sent.status() : '?'}): `
			+ `${(await bodyText(page)).slice(0, 300)}`);
	}
	const login = page.locator('input[name="login"]');
	try {
		await login.waitFor();
	} catch {
		throw new Error(`no login form at ${page.url()}: ${(await bodyText(page)).slice(0, 300)}`);
	}
	await login.fill(opts.login);
	await page.locator('input[name="password"]').fill(opts.password);
	await shot(page, '2-fc-login.png');

	const refused = Symbol('refused');
	const backToAcd = page.waitForURL((u) => u.origin === origin, { waitUntil: 'load' });
	const alert = page.locator('[role="alert"]');
	const outcome = await Promise.all([
		Promise.race([backToAcd, alert.waitFor().then(() => refused)]),
		page.getByRole('button', { name: 'Se connecter' }).click(),
	]).then(([r]) => r);
	if (outcome === refused) {
		backToAcd.catch(() => {});
		process.stdout.write(`${await bodyText(page)}\n`);
		return [1, `the provider refused the login "${opts.login}"`];
	}
	await shot(page, '3-space.png');
	const text = await bodyText(page);
	process.stdout.write(`${text}\n`);
	if (opts.cookies) await saveCookies(context, opts.cookies);
	if (!text.includes(opts['expect-text'])) {
		return [1, `"${opts['expect-text']}" is not on the page ${page.url()}`];
	}

	if (opts.revoke !== undefined) {
		let scope = page.locator('main');
		if (opts.mandate !== undefined) {
			scope = page.locator('section.mandate').filter({ hasText: `Mandat n° ${opts.mandate} ` });
		}
		const revoke = scope.getByRole('button', { name: opts.revoke, exact: true });
		if (await revoke.count() !== 1) {
			throw new Error(`no single button "${opts.revoke}" (found ${await revoke.count()})`);
		}
		await submit(page, revoke);
		await shot(page, '4-revoked.png');
		process.stdout.write(`--- after revoke\n${await bodyText(page)}\n`);
	}
	if (opts.logout) {
		await submit(page, page.getByRole('button', { name: 'Se déconnecter' }));
		await shot(page, '5-logout.png');
		process.stdout.write(`--- after logout\n${await bodyText(page)}\n`);
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
