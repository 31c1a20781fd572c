// apply.mjs — drives a structure's application form (/habilitation) in
// headless Debian chromium.
//
//   node tests/browser/apply.mjs URL --step form|confirm [--shots DIR]
//
// --step form: URL is acd's "/habilitation". Checks that every visible field
// has its label, fills the applicant, the structure, its référent (also an
// aidant) and three aidants, asks for more rows (DIR/1-form.png), fills a
// fourth, ticks the five declarations (DIR/2-filled.png), sends, prints the
// page's text (DIR/3-sent.png); exits 0 when it says "Vérifiez votre
// messagerie".
// --step confirm: URL is the link mailed to the applicant. Opens it
// (DIR/4-confirm.png), presses the button, prints the text (DIR/5-done.png);
// exits 0 when it says "Demande envoyée".
// Exits 1 when the expected text is missing, 2 on any other failure.
// The browser is /usr/bin/chromium: never `npx playwright install`.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { launchChromium, newPage } from './chromium.mjs';

function fail(code, msg) {
	process.stderr.write(`apply.mjs: ${msg}\n`);
	process.exit(code);
}

let opts;
let positionals;
try {
	({ values: opts, positionals } = parseArgs({
		options: { step: { type: 'string' }, shots: { type: 'string' } },
		allowPositionals: true,
		strict: true,
	}));
} catch (e) {
	fail(2, e.message);
}
if (positionals.length !== 1 || !['form', 'confirm'].includes(opts.step)) {
	fail(2, 'usage: node tests/browser/apply.mjs URL --step form|confirm [--shots DIR]');
}
if (opts.shots) mkdirSync(opts.shots, { recursive: true });

async function shot(page, name) {
	if (opts.shots) await page.screenshot({ path: path.join(opts.shots, name), fullPage: true });
}

// every input, select and textarea a person fills has a <label for>
async function labelled(page) {
	const bare = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
		.filter((e) => e.type !== 'hidden')
		.filter((e) => !e.id || !document.querySelector(`label[for="${e.id}"]`))
		.map((e) => e.name));
	if (bare.length) fail(1, `fields without a label: ${bare.join(', ')}`);
}

const AIDANTS = [
	['lea.blanc@mairie-vaulx.fr', 'Léa', 'Blanc', 'Agente d\'accueil'],
	['omar.said@mairie-vaulx.fr', 'Omar', 'Saïd', 'Conseiller numérique'],
	['ines.morel@mairie-vaulx.fr', 'Inès', 'Morel', 'Secrétaire de mairie'],
	['rows@mairie-vaulx.fr', 'Jean', 'Rows', 'Médiateur numérique'],
];

async function aidant(page, i) {
	const [email, first, last, profession] = AIDANTS[i];
	await page.fill(`#aidant${i}_email`, email);
	await page.fill(`#aidant${i}_first_name`, first);
	await page.fill(`#aidant${i}_last_name`, last);
	await page.fill(`#aidant${i}_profession`, profession);
}

async function form(page) {
	await page.goto(positionals[0]);
	await labelled(page);
	const who = page.getByRole('group', { name: 'Vous, qui faites la demande' });
	await who.getByLabel('Prénom').fill('Claire');
	await who.getByLabel('Nom', { exact: true }).fill('Petit');
	await who.getByLabel('Adresse électronique').fill('Claire.Petit@mairie-vaulx.fr');
	await page.getByLabel('SIRET (14 chiffres)').fill('216 902 568 00015');
	await page.getByLabel('Nom de la structure').fill('Mairie de Vaulx-en-Velin');
	await page.getByLabel('Type de structure').selectOption('mairie');
	await page.getByLabel('Adresse', { exact: true }).fill('Place de la Nation');
	await page.getByLabel('Code postal').fill('69120');
	await page.getByLabel('Commune').fill('Vaulx-en-Velin');
	const ref = page.getByRole('group', { name: 'Son référent' });
	await ref.getByLabel('Prénom').fill('Paul');
	await ref.getByLabel('Nom', { exact: true }).fill('Roux');
	await ref.getByLabel('Adresse électronique').fill('paul.roux@mairie-vaulx.fr');
	await ref.getByLabel('Profession').fill('Responsable de l\'accueil');
	await page.getByLabel(/Le référent sera aussi aidant/).check();
	for (let i = 0; i < 3; i++) await aidant(page, i);
	await shot(page, '1-form.png');
	await page.getByRole('button', { name: /Ajouter 5 lignes/ }).click();
	await page.waitForSelector('#aidant3_email');
	await labelled(page);
	if (await page.inputValue('#aidant2_email') !== AIDANTS[2][0]) fail(1, 'the rows typed were lost');
	await aidant(page, 3);
	for (const label of [/conditions générales/, /est gratuit/, /délégué à la protection/,
		/sont des professionnels/, /n'est un élu/]) {
		await page.getByLabel(label).check();
	}
	await shot(page, '2-filled.png');
	await page.getByRole('button', { name: 'Envoyer la demande' }).click();
	await page.waitForSelector('h1:has-text("Vérifiez votre messagerie"), p.error');
	await shot(page, '3-sent.png');
	return 'Vérifiez votre messagerie';
}

async function confirm(page) {
	await page.goto(positionals[0]);
	await shot(page, '4-confirm.png');
	await page.getByRole('button', { name: /Confirmer et envoyer la demande/ }).click();
	await page.waitForSelector('h1');
	await shot(page, '5-done.png');
	return 'Demande envoyée';
}

const browser = await launchChromium();
let code = 2;
try {
	const page = await newPage(browser);
	const want = opts.step === 'form' ? await form(page) : await confirm(page);
	const text = await page.innerText('body');
	process.stdout.write(text + '\n');
	code = text.includes(want) ? 0 : 1;
} catch (e) {
	process.stderr.write(`apply.mjs: ${e.message}\n`);
} finally {
	await browser.close();
}
process.exit(code);
