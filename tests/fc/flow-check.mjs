// flow-check.mjs — a minimal OpenID Connect relying party, to check the
// FranceConnect stand-in (tests/fc/provider.mjs) end to end without acd.
//
//   node tests/fc/flow-check.mjs --issuer URL --client-id ID --client-secret SECRET \
//        --redirect-uri http://127.0.0.1[:PORT]/PATH [--login angela] [--password 123]
//        [--shots DIR] [--via-sign-driver]
//
// It serves the redirect URI's port on loopback (without a port, one the system
// picks, and the redirect URI sent carries it: the stand-in then matches any
// loopback port, RFC 8252 §7.3), reads the discovery document,
// drives headless chromium (playwright-core) through the provider's login page
// as LOGIN, gets the code back on the redirect URI, checks the state, exchanges
// the code at the token endpoint with client_secret_post, verifies the ID token
// with jose against the provider's JWKS (RS256, iss, aud, exp, nonce,
// acr=eidas1), fetches userinfo with the access token, and prints on stdout:
//   {"verified":bool,"verify_error":{"code","message"}|null,
//    "id_token_header":{...},"id_token":{payload, not trusted},"userinfo":{...}}
// Exit status: 0 verified, 3 the ID token was refused (the JSON tells why),
// 2 anything else (message on stderr).
//
// --via-sign-driver: the server also plays acd's "/sign/TOKEN" page (a form whose
// button reads "S'identifier avec FranceConnect") and its callback page
// ("Identité vérifiée"), and the browser step is tests/browser/sign.mjs on it:
// a check of the driver itself. Its output is added as "sign_driver".

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { STEP_MS, launchChromium } from '../browser/chromium.mjs';

// a step of a loaded machine (the sanitizer build, two cores) may take long
const here = path.dirname(fileURLToPath(import.meta.url));

function die(msg) {
	process.stderr.write(`flow-check.mjs: ${msg}\n`);
	process.exit(2);
}

let o;
try {
	({ values: o } = parseArgs({
		options: {
			issuer: { type: 'string' },
			'client-id': { type: 'string' },
			'client-secret': { type: 'string' },
			'redirect-uri': { type: 'string' },
			login: { type: 'string', default: 'angela' },
			password: { type: 'string', default: '123' },
			shots: { type: 'string' },
			'via-sign-driver': { type: 'boolean', default: false },
		},
		strict: true,
	}));
} catch (e) {
	die(e.message);
}
for (const k of ['issuer', 'client-id', 'client-secret', 'redirect-uri']) if (!o[k]) die(`--${k} is required`);
const redirect = new URL(o['redirect-uri']);
if (redirect.hostname !== '127.0.0.1') die('--redirect-uri must be http://127.0.0.1[:PORT]/...');

const SCOPE = 'openid given_name family_name birthdate birthplace birthcountry gender email preferred_username';

async function getJson(url, init) {
	const r = await fetch(url, { ...init, signal: AbortSignal.timeout(STEP_MS) });
	const text = await r.text();
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		throw new Error(`${url}: ${r.status}, not JSON: ${text.slice(0, 200)}`);
	}
	if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(body)}`);
	return body;
}

const discovery = await getJson(`${o.issuer}/.well-known/openid-configuration`).catch((e) => die(e.message));
if (discovery.issuer !== o.issuer) die(`discovery issuer ${discovery.issuer} is not ${o.issuer}`);
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

const state = randomBytes(16).toString('base64url');
const nonce = randomBytes(16).toString('base64url');
const authUrl = new URL(discovery.authorization_endpoint);
authUrl.search = new URLSearchParams({
	response_type: 'code',
	client_id: o['client-id'],
	redirect_uri: o['redirect-uri'],
	scope: SCOPE,
	state,
	nonce,
	acr_values: 'eidas1',
}).toString();

// The relying party's side of the callback: everything a client must check.
async function complete(query) {
	if (query.get('error')) throw new Error(`authorization error: ${query.get('error')} ${query.get('error_description') || ''}`);
	if (query.get('state') !== state) throw new Error('state mismatch');
	const code = query.get('code');
	if (!code) throw new Error('no code in the callback');
	const tokens = await getJson(discovery.token_endpoint, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			code,
			redirect_uri: o['redirect-uri'],
			client_id: o['client-id'],
			client_secret: o['client-secret'],
		}),
	});
	if (!tokens.id_token || !tokens.access_token) throw new Error(`token answer without tokens: ${Object.keys(tokens)}`);
	const out = {
		verified: false,
		verify_error: null,
		id_token_header: decodeProtectedHeader(tokens.id_token),
		id_token: decodeJwt(tokens.id_token),
		userinfo: null,
	};
	try {
		const { payload } = await jwtVerify(tokens.id_token, jwks, {
			issuer: o.issuer,
			audience: o['client-id'],
			algorithms: ['RS256'],
			requiredClaims: ['sub', 'iat', 'exp', 'nonce'],
		});
		if (payload.nonce !== nonce) {
			out.verify_error = { code: 'NONCE_MISMATCH', message: 'the ID token nonce is not the one sent' };
		} else if (payload.acr !== 'eidas1') {
			out.verify_error = { code: 'ACR_MISMATCH', message: `acr is ${payload.acr}` };
		} else {
			out.verified = true;
		}
	} catch (e) {
		out.verify_error = { code: e.code || e.name, message: e.message };
	}
	out.userinfo = await getJson(discovery.userinfo_endpoint, {
		headers: { authorization: `Bearer ${tokens.access_token}` },
	});
	if (out.verified && out.userinfo.sub !== out.id_token.sub) {
		out.verified = false;
		out.verify_error = { code: 'SUB_MISMATCH', message: 'userinfo sub differs from the ID token sub' };
	}
	return out;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const html = (title, body) => `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>`;

let settle;
const done = new Promise((resolve) => { settle = resolve; });

const server = http.createServer((req, res) => {
	const u = new URL(req.url, o['redirect-uri']);
	const reply = (status, body, headers = {}) => {
		res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
		res.end(body);
	};
	if (u.pathname === '/sign' && req.method === 'GET') {
		return reply(200, html('Projet de mandat', '<h1>Projet de mandat (test)</h1>'
			+ '<form method="post" action="/sign"><button type="submit">S\'identifier avec FranceConnect</button></form>'));
	}
	if (u.pathname === '/sign' && req.method === 'POST') {
		req.resume();
		return reply(303, '', { location: authUrl.toString() });
	}
	if (u.pathname === redirect.pathname && req.method === 'GET') {
		return complete(u.searchParams).then((out) => {
			settle({ out });
			if (out.verified) {
				reply(200, html('Identité vérifiée', `<h1>Identité vérifiée : retournez auprès de votre aidant</h1>
<p>${esc(out.userinfo.given_name)} ${esc(out.userinfo.family_name)}</p>`));
			} else {
				reply(400, html('Échec', `<h1>Identité non vérifiée</h1><p>${esc(out.verify_error.message)}</p>`));
			}
		}, (err) => {
			settle({ err });
			reply(400, html('Échec', `<h1>Échec</h1><p>${esc(err.message)}</p>`));
		});
	}
	return reply(404, html('Introuvable', '<h1>Introuvable</h1>'));
});
await new Promise((resolve, reject) => {
	server.once('error', (e) => reject(new Error(`cannot listen on ${redirect.host}: ${e.message}`)));
	server.listen(Number(redirect.port) || 0, '127.0.0.1', resolve);
}).catch((e) => die(e.message));
if (!redirect.port) {
	redirect.port = String(server.address().port);
	o['redirect-uri'] = redirect.href;
	authUrl.searchParams.set('redirect_uri', redirect.href);
}

function runSignDriver() {
	const argv = [path.join(here, '..', 'browser', 'sign.mjs'), `http://${redirect.host}/sign`,
		'--login', o.login, '--password', o.password];
	if (o.shots) argv.push('--shots', o.shots);
	return new Promise((resolve) => {
		execFile(process.execPath, argv, { timeout: 4 * STEP_MS }, (err, stdout, stderr) => {
			resolve({ status: err ? (err.code ?? 'killed') : 0, stdout, stderr });
		});
	});
}

async function runBrowser() {
	const browser = await launchChromium();
	try {
		const page = await browser.newPage({ locale: 'fr-FR' });
		page.setDefaultTimeout(STEP_MS);
		await page.goto(authUrl.toString());
		await page.locator('input[name="login"]').fill(o.login);
		await page.locator('input[name="password"]').fill(o.password);
		if (o.shots) await page.screenshot({ path: path.join(o.shots, 'fc-login.png'), fullPage: true });
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await Promise.race([
			done,
			page.waitForURL((url) => url.origin === redirect.origin),
		]);
	} finally {
		await browser.close().catch(() => {});
	}
}

let signDriver;
try {
	if (o['via-sign-driver']) signDriver = await runSignDriver();
	else await runBrowser();
	const wait = signDriver && signDriver.status !== 0 ? 1000 : STEP_MS;
	const timeout = new Promise((resolve) => { setTimeout(resolve, wait, { err: new Error('no callback') }).unref(); });
	const r = await Promise.race([done, timeout]);
	if (r.err) throw r.err;
	if (signDriver) r.out.sign_driver = signDriver;
	process.stdout.write(`${JSON.stringify(r.out, null, 2)}\n`);
	server.close();
	server.closeAllConnections();
	process.exit(r.out.verified ? 0 : 3);
} catch (e) {
	if (signDriver) process.stderr.write(`sign.mjs exited ${signDriver.status}: ${signDriver.stderr}`);
	die(e.message.split('\nCall log:')[0].trim());
}
