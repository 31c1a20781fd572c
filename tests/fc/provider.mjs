// provider.mjs — a local stand-in for FranceConnect v2, for the tests and `make demo`.
//
// acd is an OpenID Connect client of FranceConnect, which cannot be reached from
// here. Rather than a fake that returns canned answers, this runs a real,
// conformant OpenID provider (panva's oidc-provider) on loopback, configured the
// way FranceConnect v2 is: authorization code flow, confidential client
// authenticated with client_secret_post, RS256 ID tokens carrying acr=eidas1 and
// the nonce, identity claims (one scope per claim) returned by userinfo as plain
// JSON, FranceConnect-style test identities (password 123).
//
//   node tests/fc/provider.mjs --port 0 --client-id ID --client-secret SECRET \
//        --redirect-uri URI [--redirect-uri URI2] [--tamper MODE] [--userinfo-jwt]
//        [--ready-file FILE]
//
// Listens on 127.0.0.1 only; once ready prints `listening on http://127.0.0.1:PORT`
// on stderr (the issuer is that URL; discovery at ISSUER/.well-known/openid-configuration)
// and, with --ready-file, writes the issuer to FILE (whole: a temporary name renamed).
//
// A redirect URI on 127.0.0.1 given without a port matches that URI on any
// port, as RFC 8252 §7.3 has a provider do for loopback redirects (the client
// is then registered as a native one, oidc-provider's way to say it): acd
// binds a free port itself (--listen 127.0.0.1:0), so its port is only known
// once it runs, after the stand-in it must be pointed at.
// Further stderr lines start with "fc: " (logins, tokens issued, errors).
//
// As FranceConnect v2 does, the authorization request must carry state and nonce
// (400 otherwise); acr is always eidas1; PKCE is not required. The client is
// registered with client_secret_post; oidc-provider takes the same secret in an
// HTTP Basic header too (it treats the two secret methods alike). Login is on our
// own French page (/interaction/UID), and the requested scopes are granted at once
// (no consent screen). The callback carries code, state and iss (RFC 9207).
//
// --tamper none|signature|audience|nonce|issuer|expired alters the ID token of the
// token endpoint's answer after the library made it, like a man in the middle, so
// that tests can check acd refuses it: signature = payload re-signed with another
// RSA key (same kid, not in the JWKS); audience = aud "someone-else"; nonce = a
// different nonce; issuer = a wrong iss; expired = exp in the past (the last four
// re-signed with the real key, so only the altered claim is wrong).
//
// Stops cleanly on SIGTERM or SIGINT.

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { CompactSign, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider, { errors } from 'oidc-provider';
// The library's own in-memory store, subclassed only so that the library does not
// warn about using it: losing every session and code on exit is what we want here.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

const TAMPER_MODES = ['none', 'signature', 'audience', 'nonce', 'issuer', 'expired'];

function usage(msg) {
	process.stderr.write(`provider.mjs: ${msg}\n`
		+ 'usage: node tests/fc/provider.mjs --port PORT --client-id ID --client-secret SECRET'
		+ ' --redirect-uri URI [--redirect-uri URI2...] [--tamper ' + TAMPER_MODES.join('|') + ']\n');
	process.exit(2);
}

let args;
try {
	({ values: args } = parseArgs({
		options: {
			port: { type: 'string', default: '0' },
			'client-id': { type: 'string' },
			'client-secret': { type: 'string' },
			'redirect-uri': { type: 'string', multiple: true },
			tamper: { type: 'string', default: 'none' },
			'userinfo-jwt': { type: 'boolean', default: false },
			'ready-file': { type: 'string' },
		},
		strict: true,
		allowPositionals: false,
	}));
} catch (e) {
	usage(e.message);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port: a number 0-65535');
if (!args['client-id']) usage('--client-id is required');
if (!args['client-secret']) usage('--client-secret is required');
if (!args['redirect-uri']?.length) usage('at least one --redirect-uri is required');
for (const u of args['redirect-uri']) {
	if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol)) usage(`--redirect-uri: not an http(s) URL: ${u}`);
}
const anyLoopbackPort = (u) => {
	const url = new URL(u);
	return url.protocol === 'http:' && url.hostname === '127.0.0.1' && !/^http:\/\/127\.0\.0\.1:/.test(u);
};
if (args['redirect-uri'].some(anyLoopbackPort) && !args['redirect-uri'].every(anyLoopbackPort)) {
	usage('--redirect-uri: loopback URIs without a port cannot be mixed with others');
}
if (!TAMPER_MODES.includes(args.tamper)) usage(`--tamper: one of ${TAMPER_MODES.join(', ')}`);
const tamper = args.tamper;

const log = (msg) => process.stderr.write(`fc: ${msg}\n`);

// ---------------------------------------------------------------------------
// Test identities, as FranceConnect's integration platform has them. The sub is
// a 64-hex string derived from the login, stable across runs (FranceConnect's
// pairwise sub has the same shape). Password for all: 123.

const PASSWORD = '123';
const IDENTITIES = {
	angela: {
		given_name: 'Angela Claire Louise',
		family_name: 'DUBOIS',
		birthdate: '1962-08-24',
		gender: 'female',
		birthplace: '75107',
		birthcountry: '99100',
		email: 'wossewodda-3728@yopmail.com',
		preferred_username: '',
	},
	pierre: {
		given_name: 'Pierre',
		family_name: 'MERCIER',
		birthdate: '1969-03-17',
		gender: 'male',
		birthplace: '69123',
		birthcountry: '99100',
		email: 'pierre.mercier@example.fr',
		preferred_username: 'DUMEUBLE',
	},
	fatima: {
		// born abroad (Morocco, 99350): no French birthplace code
		given_name: 'Fatima Zahra',
		family_name: 'EL AMRANI',
		birthdate: '1985-11-02',
		gender: 'female',
		birthplace: '',
		birthcountry: '99350',
		email: 'fatima.elamrani@example.fr',
		preferred_username: '',
	},
	jean: {
		// born in Brest, uses a married name
		given_name: 'Jean-Loïc',
		family_name: 'LE GALL',
		birthdate: '1948-01-30',
		gender: 'male',
		birthplace: '29019',
		birthcountry: '99100',
		email: 'jean-loic.legall@example.fr',
		preferred_username: 'KERGUELEN',
	},
};

const subOf = (login) => createHash('sha256').update(`aidants-connect fc stand-in:${login}`).digest('hex');
const ACCOUNTS = new Map(Object.entries(IDENTITIES).map(([login, claims]) => [subOf(login), { login, claims }]));
const loginToSub = new Map(Object.keys(IDENTITIES).map((login) => [login, subOf(login)]));

// Each FranceConnect scope carries the claim of the same name.
const CLAIM_SCOPES = ['given_name', 'family_name', 'birthdate', 'birthplace', 'birthcountry', 'gender',
	'email', 'preferred_username'];

// ---------------------------------------------------------------------------
// Keys: one RSA signing key made at start (its public half in the JWKS), and,
// for --tamper signature, another one that is published nowhere.

function rsaJwk() {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { privateKey, jwk: privateKey.export({ format: 'jwk' }) };
}
const kid = randomBytes(8).toString('hex');
const signing = rsaJwk();
const rogue = tamper === 'signature' ? rsaJwk() : null;

// ---------------------------------------------------------------------------
// HTML

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({
	'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const STYLE = `
body{font-family:"DejaVu Sans",Arial,sans-serif;background:#f6f6f6;color:#161616;margin:0}
header{background:#000091;color:#fff;padding:14px 24px}
header strong{font-size:1.3em}header span{display:block;font-size:.85em;opacity:.85}
main{max-width:30em;margin:28px auto;background:#fff;padding:20px 28px 28px;border:1px solid #ddd}
h1{font-size:1.35em;margin-top:0}label{display:block;margin-top:14px;font-weight:bold}
input{width:100%;box-sizing:border-box;padding:8px;font-size:1em;margin-top:4px;border:1px solid #666}
button{margin-top:20px;background:#000091;color:#fff;border:0;padding:10px 22px;font-size:1em;cursor:pointer}
.error{background:#ffe9e9;border-left:4px solid #ce0500;padding:8px 12px;color:#ce0500}
.hint{margin-top:24px;font-size:.9em;color:#3a3a3a}.hint code{background:#eee;padding:0 3px}
pre{white-space:pre-wrap;word-wrap:break-word}`;

function page(title, body) {
	return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>FranceConnect</strong><span>Fournisseur d'identité local de test — aucune donnée réelle</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function loginPage(uid, clientName, { login = '', error = '' } = {}) {
	const hints = Object.entries(IDENTITIES)
		.map(([l, c]) => `<li><code>${esc(l)}</code> : ${esc(c.given_name)} ${esc(c.family_name)}</li>`).join('');
	return page('Connexion — FranceConnect (test)', `<h1>Connexion à ${esc(clientName)}</h1>
<p>Identifiez-vous avec votre compte pour continuer.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="login">Identifiant</label>
<input id="login" name="login" type="text" value="${esc(login)}" required${login ? '' : ' autofocus'}>
<label for="password">Mot de passe</label>
<input id="password" name="password" type="password" required${login ? ' autofocus' : ''}>
<button type="submit">Se connecter</button>
</form>
<div class="hint"><p>Identités de test (mot de passe <code>${PASSWORD}</code>) :</p><ul>${hints}</ul></div>`);
}

const ERROR_TEXT = {
	invalid_client: "Le service demandeur n'est pas reconnu.",
	invalid_request: 'La demande est incomplète ou mal formée.',
	invalid_redirect_uri: "L'adresse de retour n'est pas enregistrée pour ce service.",
	session_not_found: 'La session a expiré ou est introuvable. Recommencez depuis le service.',
};

function errorPage(out) {
	const text = ERROR_TEXT[out.error] || 'Une erreur est survenue.';
	const details = Object.entries(out).map(([k, v]) => `<pre><strong>${esc(k)}</strong> : ${esc(v)}</pre>`).join('');
	return page('Erreur — FranceConnect (test)', `<h1>Une erreur est survenue</h1>
<p class="error" role="alert">${esc(text)}</p>
${details}`);
}

// ---------------------------------------------------------------------------
// The provider

class StandInAdapter extends MemoryAdapter {}

const server = http.createServer();
await new Promise((resolve, reject) => {
	server.once('error', reject);
	server.listen(port, '127.0.0.1', resolve);
}).catch((e) => usage(`cannot listen on 127.0.0.1:${port}: ${e.message}`));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
	adapter: StandInAdapter,
	clients: [{
		client_id: args['client-id'],
		client_secret: args['client-secret'],
		client_name: 'Aidants Connect',
		redirect_uris: args['redirect-uri'],
		response_types: ['code'],
		grant_types: ['authorization_code'],
		...(args['redirect-uri'].every(anyLoopbackPort) ? { application_type: 'native' } : {}),
		token_endpoint_auth_method: 'client_secret_post',
		id_token_signed_response_alg: 'RS256',
		// --userinfo-jwt: userinfo as a signed JWT, as FranceConnect v2 answers
		...(args['userinfo-jwt'] ? { userinfo_signed_response_alg: 'RS256' } : {}),
	}],
	jwks: { keys: [{ ...signing.jwk, kid, alg: 'RS256', use: 'sig' }] },
	cookies: { keys: [randomBytes(32).toString('hex')] },
	acrValues: ['eidas1'],
	scopes: ['openid'],
	claims: {
		openid: ['sub'],
		...Object.fromEntries(CLAIM_SCOPES.map((c) => [c, [c]])),
	},
	conformIdTokenClaims: true,
	enabledJWA: {
		idTokenSigningAlgValues: ['RS256'],
		userinfoSigningAlgValues: ['RS256'],
	},
	clientAuthMethods: ['client_secret_post'],
	responseTypes: ['code'],
	pkce: { required: () => false },
	features: {
		devInteractions: { enabled: false },
		pushedAuthorizationRequests: { enabled: false },
		userinfo: { enabled: true },
		jwtUserinfo: { enabled: args['userinfo-jwt'] },
		rpInitiatedLogout: {
			enabled: true,
			logoutSource: async (ctx, form) => {
				ctx.body = page('Déconnexion — FranceConnect (test)', `<h1>Se déconnecter de FranceConnect ?</h1>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>
<button type="submit" form="op.logoutForm">Rester connecté</button>`);
			},
			postLogoutSuccessSource: async (ctx) => {
				ctx.body = page('Déconnexion — FranceConnect (test)', '<h1>Vous êtes déconnecté.</h1>');
			},
		},
	},
	interactions: {
		url: (ctx, interaction) => `/interaction/${interaction.uid}`,
	},
	findAccount: (ctx, sub) => {
		const account = ACCOUNTS.get(sub);
		if (!account) return undefined;
		return {
			accountId: sub,
			claims: () => ({ sub, ...account.claims }),
		};
	},
	renderError: (ctx, out) => {
		ctx.type = 'html';
		ctx.body = errorPage(out);
	},
	ttl: {
		// FranceConnect's lifetimes: short codes and access tokens.
		AccessToken: 60,
		AuthorizationCode: 30,
		IdToken: 60,
		Interaction: 600,
		Session: 1800,
		Grant: 1800,
	},
});

// FranceConnect v2 requires state and nonce on the authorization request; so
// does the stand-in, so that a client forgetting them fails here too.
provider.use(async (ctx, next) => {
	if (ctx.path === '/auth' && ctx.method === 'GET') {
		for (const name of ['state', 'nonce']) {
			if (!ctx.query[name]) {
				log(`authorization refused: ${name} missing`);
				ctx.status = 400;
				ctx.type = 'html';
				ctx.body = errorPage({ error: 'invalid_request', error_description: `missing required parameter '${name}'` });
				return;
			}
		}
	}
	await next();
});

// --tamper: alter the ID token of the token endpoint's answer.
if (tamper !== 'none') {
	provider.use(async (ctx, next) => {
		await next();
		if (ctx.path !== '/token' || !ctx.body?.id_token) return;
		const header = decodeProtectedHeader(ctx.body.id_token);
		const payload = decodeJwt(ctx.body.id_token);
		let key = signing.privateKey;
		const now = Math.floor(Date.now() / 1000);
		switch (tamper) {
		case 'signature': key = rogue.privateKey; break;
		case 'audience': payload.aud = 'someone-else'; break;
		case 'nonce': payload.nonce = randomBytes(16).toString('base64url'); break;
		case 'issuer': payload.iss = 'https://issuer.invalid'; break;
		case 'expired': payload.iat = now - 7200; payload.exp = now - 3600; break;
		default: break;
		}
		ctx.body.id_token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
			.setProtectedHeader(header)
			.sign(key);
		log(`token: ID token tampered (${tamper})`);
	});
}

for (const ev of ['authorization.error', 'grant.error', 'userinfo.error', 'server_error']) {
	provider.on(ev, (ctx, err) => {
		log(`${ev}: ${err.error || err.name}${err.error_description ? ` (${err.error_description})` : ''}`
			+ `${ev === 'server_error' ? ` ${err.stack}` : ''}`);
	});
}
provider.on('grant.success', (ctx) => log(`token issued to ${ctx.oidc.client?.clientId}`));

// ---------------------------------------------------------------------------
// Interaction routes (login, then the grant given at once: no consent screen)

const formTargets = [...new Set(args['redirect-uri'].map((u) => (anyLoopbackPort(u) ? 'http://127.0.0.1:*' : new URL(u).origin)))].join(' ');

function send(res, status, html) {
	res.writeHead(status, {
		'content-type': 'text/html; charset=utf-8',
		'cache-control': 'no-store',
		// the login form's redirections end on the client's redirect URIs
		'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTargets}; frame-ancestors 'none'`,
		'x-frame-options': 'DENY',
		'referrer-policy': 'no-referrer',
	});
	res.end(html);
}

function readForm(req) {
	return new Promise((resolve, reject) => {
		let size = 0;
		const chunks = [];
		req.on('data', (c) => {
			size += c.length;
			if (size > 16384) {
				reject(new Error('body too large'));
				req.destroy();
			} else chunks.push(c);
		});
		req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
		req.on('error', reject);
	});
}

// Every scope asked for, granted (each carries its claim; the claims parameter
// is not supported, as at FranceConnect).
async function grantAll(details, accountId) {
	const { params } = details;
	let grant;
	if (details.grantId) grant = await provider.Grant.find(details.grantId);
	if (!grant) grant = new provider.Grant({ accountId, clientId: params.client_id });
	if (params.scope) grant.addOIDCScope(params.scope);
	return grant.save();
}

async function interaction(req, res, uid, action) {
	const details = await provider.interactionDetails(req, res);
	if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
	const client = await provider.Client.find(details.params.client_id);
	const clientName = client?.clientName || details.params.client_id;

	if (req.method === 'GET' && !action) {
		if (details.prompt.name === 'login') return send(res, 200, loginPage(uid, clientName));
		// already logged in with this browser: give what is asked for at once
		const grantId = await grantAll(details, details.session.accountId);
		return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
	}
	if (req.method === 'POST' && action === 'login') {
		const form = await readForm(req);
		const login = (form.get('login') || '').trim().toLowerCase();
		const sub = loginToSub.get(login);
		if (!sub || form.get('password') !== PASSWORD) {
			log(`login refused for "${login}"`);
			return send(res, 401, loginPage(uid, clientName, {
				login: form.get('login') || '',
				error: 'Identifiant ou mot de passe incorrect.',
			}));
		}
		log(`login ${login}`);
		const grantId = await grantAll(details, sub);
		return provider.interactionFinished(req, res, {
			login: { accountId: sub, acr: 'eidas1', amr: ['pwd'] },
			consent: { grantId },
		}, { mergeWithLastSubmission: false });
	}
	return send(res, 405, errorPage({ error: 'invalid_request', error_description: 'method not allowed' }));
}

const providerCallback = provider.callback();
server.on('request', async (req, res) => {
	const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?\/?(?:\?.*)?$/.exec(req.url);
	if (!m) return providerCallback(req, res);
	try {
		return await interaction(req, res, m[1], m[2]);
	} catch (err) {
		log(`interaction error: ${err.error || err.name}: ${err.error_description || err.message}`);
		if (res.headersSent) return res.end();
		const status = err.statusCode || err.status || 500;
		return send(res, status, errorPage({
			error: err.error || 'server_error',
			error_description: err.error_description || err.message,
		}));
	}
});

function stop(sig) {
	log(`${sig}: stopping`);
	server.close(() => process.exit(0));
	server.closeAllConnections();
	setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

if (args['ready-file']) {
	writeFileSync(`${args['ready-file']}.tmp`, `${issuer}\n`);
	renameSync(`${args['ready-file']}.tmp`, args['ready-file']);
}
process.stderr.write(`listening on ${issuer}\n`);
