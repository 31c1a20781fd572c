// rp.mjs — a démarche site: an OpenID Connect relying party (openid-client,
// certified) of acd's provider, with the aidant in headless Debian chromium.
//
//   node tests/oidc/rp.mjs --client-id ID --client-secret S --redirect-uri URI
//        [--issuer URL] [--alg RS256|ES256|HS256] [--auth basic|post]
//        [--scope "openid given_name ..."] [--rep-scope papiers,logement]
//        [--claims JSON] [--prompt P] [--max-age N]
//        [--param k=v]... --email E (--code C | --code-cmd CMD)
//        [--structure TEXT] [--usager TEXT] --demarche CODE [--cancel-at STEP]
//        [--stop-at-code] [--before-token CMD] [--before-userinfo CMD]
//        [--no-userinfo] [--shots DIR] [--listen-unix PATH]
//
// The site listens on the redirect URI's port (loopback), or with
// --listen-unix on that Unix socket, which tests/relay.py serves on the
// redirect URI's port (held there from the test's start: no port is picked
// and bound later).  It discovers the
// provider at ISSUER (default $AC_URL), sends the browser to its authorize
// endpoint (state, nonce, acr_values=eidas1, prompt=login, each --param k=v),
// and the browser answers acd's pages as the aidant: email and the card's
// code (CMD is run at that moment, its output is the code), the structure whose button holds
// TEXT (when asked), the usager (TEXT typed in the search, then the only
// button left), the démarche CODE.  Back on the site, openid-client checks
// the answer's state and iss, exchanges the code, verifies the ID token (the
// published JWKS, or the client secret for HS256: signature, iss, aud, nonce,
// exp) and reads userinfo.
//   --rep-scope A,B     claims {"id_token":{"rep_scope":{"values":[A,B]}}}
//   --claims JSON       the claims parameter as given (instead of --rep-scope)
//   --prompt P          prompt=P instead of login; --prompt '' sends none
//   --max-age N         max_age=N, and openid-client checks the ID token's
//                       auth_time against it (OpenID Connect Core §3.1.2.1)
//   --cancel-at STEP    clicks "Annuler" on that page (structure, usager, demarche)
//   --stop-at-code      the site keeps the code unused: prints code, state, iss
//   --before-token CMD, --before-userinfo CMD   run CMD at that moment (sh -c)
//   --no-userinfo       prints the access token instead of reading userinfo
// Prints one JSON object: {"steps":[{"h1","status","error","buttons":[[name,
// value,text]...]}...], "id_token", "id_token_header", "id_token_claims",
// "userinfo", "token":{token_type, expires_in, scope}} — or, when refused,
// {"steps", "page":{"h1","status","text"}} (acd refused on its pages) or
// {"steps", "error", "error_description", "state_ok"} (the site got an error).
// Exits 0 when the site got the identity (or the code), 1 when refused,
// 2 on any other failure (usage, a step over 30 s, a page it cannot answer).
// The browser is /usr/bin/chromium: never `npx playwright install`.

import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { Issuer, custom, generators } from 'openid-client';

import { STEP_MS, launchChromium, newPage } from '../browser/chromium.mjs';


class Usage extends Error {}
class Refused extends Error {}

function fail(code, msg) {
	process.stderr.write(`rp.mjs: ${msg}\n`);
	process.exit(code);
}

let opts;
try {
	({ values: opts } = parseArgs({
		options: {
			issuer: { type: 'string', default: process.env.AC_URL },
			'client-id': { type: 'string' },
			'client-secret': { type: 'string' },
			'redirect-uri': { type: 'string' },
			'listen-unix': { type: 'string' },
			alg: { type: 'string', default: 'RS256' },
			auth: { type: 'string', default: 'basic' },
			scope: { type: 'string', default: 'openid given_name family_name birthdate gender birthplace '
				+ 'birthcountry email preferred_username' },
			'rep-scope': { type: 'string' },
			claims: { type: 'string' },
			prompt: { type: 'string', default: 'login' },
			'max-age': { type: 'string' },
			param: { type: 'string', multiple: true, default: [] },
			email: { type: 'string' },
			code: { type: 'string' },
			'code-cmd': { type: 'string' },
			structure: { type: 'string' },
			usager: { type: 'string' },
			demarche: { type: 'string' },
			'cancel-at': { type: 'string' },
			'stop-at-code': { type: 'boolean', default: false },
			'before-token': { type: 'string' },
			'before-userinfo': { type: 'string' },
			'no-userinfo': { type: 'boolean', default: false },
			shots: { type: 'string' },
		},
		strict: true,
	}));
	for (const k of ['issuer', 'client-id', 'client-secret', 'redirect-uri', 'email']) {
		if (!opts[k]) throw new Usage(`--${k} is required`);
	}
	if (!opts.code && !opts['code-cmd']) throw new Usage('--code or --code-cmd is required');
	if (!['RS256', 'ES256', 'HS256'].includes(opts.alg)) throw new Usage(`--alg ${opts.alg}: RS256, ES256 or HS256`);
	if (!['basic', 'post'].includes(opts.auth)) throw new Usage(`--auth ${opts.auth}: basic or post`);
	if (opts.claims) JSON.parse(opts.claims);
	if (opts['max-age'] && !/^[0-9]+$/.test(opts['max-age'])) throw new Usage(`--max-age ${opts['max-age']}: seconds`);
	if (opts['cancel-at'] && !['structure', 'usager', 'demarche'].includes(opts['cancel-at'])) {
		throw new Usage(`--cancel-at ${opts['cancel-at']}: structure, usager or demarche`);
	}
} catch (e) {
	fail(2, `${e.message}\nusage: node tests/oidc/rp.mjs --client-id ID --client-secret S --redirect-uri URI`
		+ ' --email E (--code C | --code-cmd CMD) [--demarche CODE] [options: see the file]');
}
const redirect = new URL(opts['redirect-uri']);
if (opts.shots) mkdirSync(opts.shots, { recursive: true });
custom.setHttpOptionsDefaults({ timeout: STEP_MS });

const out = { steps: [] };
let shotNo = 0;
async function shot(page, name) {
	shotNo += 1;
	if (opts.shots) {
		await page.screenshot({ path: path.join(opts.shots, `${shotNo}-${name}.png`), fullPage: true, timeout: STEP_MS });
	}
}

const sh = (cmd) => execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

// --- the site: its callback completes the flow with openid-client ----------

const state = generators.state();
const nonce = generators.nonce();
let client;
let settle;
const siteDone = new Promise((resolve) => { settle = resolve; });

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
function sitePage(res, title, lines) {
	res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
	res.end(`<!doctype html><html lang="fr"><meta charset="utf-8"><title>${esc(title)}</title>`
		+ '<body style="font-family:sans-serif;max-width:40em;margin:2em auto">'
		+ `<p style="color:#555">Démarche en ligne (site de démonstration)</p><h1>${esc(title)}</h1>`
		+ `${lines.map((l) => `<p>${esc(l)}</p>`).join('')}</body></html>`);
}

async function callback(req, res) {
	const params = client.callbackParams(req);
	if (params.error) {
		Object.assign(out, { error: params.error, error_description: params.error_description,
			state_ok: params.state === state, iss: params.iss });
		sitePage(res, 'Connexion refusée', [`${params.error} : ${params.error_description ?? ''}`]);
		return 1;
	}
	if (opts['stop-at-code']) {
		Object.assign(out, { code: params.code, state: params.state, state_ok: params.state === state, iss: params.iss });
		sitePage(res, 'Code reçu', ['Le site garde le code sans l\'échanger.']);
		return 0;
	}
	try {
		if (opts['before-token']) sh(opts['before-token']);
		const checks = { state, nonce, response_type: 'code' };
		if (opts['max-age']) checks.max_age = Number(opts['max-age']);
		const tokens = await client.callback(opts['redirect-uri'], params, checks);
		const [h] = tokens.id_token.split('.');
		Object.assign(out, {
			id_token: tokens.id_token,
			id_token_header: JSON.parse(Buffer.from(h, 'base64url').toString()),
			id_token_claims: tokens.claims(),
			token: { token_type: tokens.token_type, expires_in: tokens.expires_in, scope: tokens.scope },
		});
		if (opts['no-userinfo']) {
			out.access_token = tokens.access_token;
			sitePage(res, 'Jeton reçu', ['Le site n\'a pas demandé l\'identité.']);
			return 0;
		}
		if (opts['before-userinfo']) sh(opts['before-userinfo']);
		out.userinfo = await client.userinfo(tokens);
		const u = out.userinfo;
		sitePage(res, `Bienvenue, ${u.given_name} ${u.family_name}`, [
			`Né(e) le ${u.birthdate}, identité transmise par Aidants Connect pour la démarche « ${out.id_token_claims.rep_scope} ».`,
			`Niveau eIDAS : ${out.id_token_claims.acr}. Identifiant : ${u.sub.slice(0, 16)}…`]);
		return 0;
	} catch (e) {
		Object.assign(out, { error: e.error ?? 'rp_check_failed', error_description: e.error_description ?? e.message });
		sitePage(res, 'Connexion refusée', [`${out.error} : ${out.error_description}`]);
		return 1;
	}
}

const server = http.createServer((req, res) => {
	if (new URL(req.url, redirect.origin).pathname !== redirect.pathname) {
		res.writeHead(404).end();
		return;
	}
	callback(req, res).then(settle, (e) => {
		res.writeHead(500).end();
		settle(Promise.reject(e));
	});
});

// --- the aidant, on acd's pages --------------------------------------------

async function describe(page, status) {
	return page.evaluate((st) => ({
		h1: document.querySelector('h1')?.innerText ?? '',
		status: st,
		error: document.querySelector('.error')?.innerText ?? null,
		buttons: [...document.querySelectorAll('button')].map((b) => [b.name, b.value, b.innerText.trim()]),
	}), status);
}

async function refusedPage(page, status) {
	out.page = { h1: (await describe(page, status)).h1, status,
		text: await page.evaluate(() => document.querySelector('main')?.innerText ?? document.body.innerText) };
	throw new Refused(`acd refused: ${out.page.h1} (${status})`);
}

// Clicks and waits for the next document; its HTTP status.
async function go(page, locator) {
	if (await locator.count() !== 1) throw new Error(`no single ${locator} on ${page.url()}`);
	const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.first().click()]);
	return resp ? resp.status() : 0;
}

async function answer(page, status) {
	const step = await describe(page, status);
	out.steps.push(step);
	if (status >= 400 && step.h1 !== 'Connexion de l\'aidant') return refusedPage(page, status);
	const cancel = page.locator('button[name="cancel"]');
	switch (step.h1) {
	case 'Connexion de l\'aidant':
		if (out.steps.filter((s) => s.h1 === step.h1).length > 1) return refusedPage(page, status);
		await page.locator('input[name="email"]').fill(opts.email);
		await page.locator('input[name="code"]').fill(opts.code ?? sh(opts['code-cmd']));
		await shot(page, 'login');
		return go(page, page.getByRole('button', { name: 'Se connecter' }));
	case 'Choisissez la structure':
		await shot(page, 'structure');
		if (opts['cancel-at'] === 'structure') return go(page, cancel);
		if (!opts.structure) throw new Usage('acd asks for the structure: --structure TEXT');
		return go(page, page.locator('button[name="structure"]').filter({ hasText: opts.structure }));
	case 'Choisissez l\'usager': {
		const searched = out.steps.filter((s) => s.h1 === step.h1).length > 1;
		if (opts.usager && !searched) {
			await page.locator('input[name="q"]').fill(opts.usager);
			await shot(page, 'usager-search');
			return go(page, page.getByRole('button', { name: 'Rechercher' }));
		}
		await shot(page, 'usager');
		if (opts['cancel-at'] === 'usager') return go(page, cancel);
		const usagers = page.locator('button[name="usager"]');
		if (await usagers.count() === 0) return refusedPage(page, status);
		if (await usagers.count() > 1) throw new Error(`${await usagers.count()} usagers match: --usager TEXT`);
		return go(page, usagers);
	}
	case 'Choisissez la démarche': {
		await shot(page, 'demarche');
		if (opts['cancel-at'] === 'demarche') return go(page, cancel);
		if (!opts.demarche) throw new Usage('acd asks for the démarche: --demarche CODE');
		const b = page.locator(`button[name="demarche"][value="${opts.demarche}"]`);
		if (await b.count() === 0) return refusedPage(page, status);
		return go(page, b);
	}
	default:
		return refusedPage(page, status);
	}
}

async function run(browser) {
	const issuer = await Issuer.discover(opts.issuer);
	client = new issuer.Client({
		client_id: opts['client-id'],
		client_secret: opts['client-secret'],
		redirect_uris: [opts['redirect-uri']],
		response_types: ['code'],
		id_token_signed_response_alg: opts.alg,
		token_endpoint_auth_method: opts.auth === 'basic' ? 'client_secret_basic' : 'client_secret_post',
	});
	const extra = Object.fromEntries(opts.param.map((p) => {
		const i = p.indexOf('=');
		if (i < 1) throw new Usage(`--param ${p}: k=v`);
		return [p.slice(0, i), p.slice(i + 1)];
	}));
	if (opts['rep-scope']) extra.claims = { id_token: { rep_scope: { values: opts['rep-scope'].split(',') } } };
	if (opts.claims) extra.claims = JSON.parse(opts.claims);
	if (opts['max-age']) extra.max_age = opts['max-age'];
	const url = client.authorizationUrl({
		scope: opts.scope, state, nonce, acr_values: 'eidas1', prompt: opts.prompt || null, ...extra,
	});

	const page = await newPage(browser);
	let status = (await page.goto(url, { waitUntil: 'load' }))?.status() ?? 0;
	for (let n = 0; new URL(page.url()).origin !== redirect.origin; n += 1) {
		if (n > 12) throw new Error(`no end after ${n} pages, at ${page.url()}`);
		status = await answer(page, status);
	}
	await shot(page, 'site');
	return siteDone;
}

let browser;
let rc;
let why;
try {
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		if (opts['listen-unix']) {
			rmSync(opts['listen-unix'], { force: true });
			server.listen(opts['listen-unix'], resolve);
		} else {
			server.listen(Number(redirect.port) || 80, redirect.hostname, resolve);
		}
	});
	browser = await launchChromium();
	rc = await run(browser);
} catch (e) {
	rc = e instanceof Refused ? 1 : 2;
	why = e.message.split('\nCall log:')[0].trim();
} finally {
	if (browser) await browser.close().catch(() => {});
	server.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
if (why) fail(rc, why);
process.exit(rc);
