// SPDX-License-Identifier: MIT
// The collector's visit form, driven in headless Chromium (Debian's
// /usr/bin/chromium, through playwright-core; no browser is downloaded).
// Run by tests/cli/form_browser.sh, which starts `collector serve`, then
// exports, ingests and releases what this script typed and compares the
// released totals with the ones written here.
//
//   node form.test.mjs BASE_URL SERVE_STDOUT PLAN_JSON OUT_DIR
//
// OUT_DIR gets: expected.csv (site,indicator,value for the campaign cells),
// typed.txt (every identity string typed, one a line, for the no-trace
// grep), fields.txt (choice ids typed), profile/ (the browser's profile,
// grepped too), shots/*.png (the screenshots used in the guide).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [BASE, SERVE_OUT, PLAN_PATH, OUT] = process.argv.slice(2);
if (!OUT) {
	console.error('usage: node form.test.mjs BASE_URL SERVE_STDOUT PLAN OUT_DIR');
	process.exit(2);
}
const plan = JSON.parse(fs.readFileSync(PLAN_PATH, 'utf8'));
const SHOTS = path.join(OUT, 'shots');
fs.mkdirSync(SHOTS, { recursive: true });

const TABLET = { width: 800, height: 1280 };
const LANDSCAPE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// People: unusual names, so that a grep for them cannot match by chance.
const P = {
	p1: ['Zéphyrine', 'Quillonneau', '1990-04-02'],
	p2: ['Barnabé', 'Ostrowiakz', '2003-07-19'],
	p3: ['Ysolde', 'Kermarrecq', '2002-01-30'],
	p4: ['Anouchka', 'Vrielynckx', '1975-11-11'],
	p5: ['Théodrik', 'Pellegrinetti', '1951-03-08'],
	p6: ['Maëlwenn', 'Dussouchaud', '2008-05-21'],
	p7: ['Ksavier', 'Lombardozzi', '1988-09-14'],
	p8: ['Fatoumatah', 'Ndiayeffe', '2001-12-03'],
	p9: ['Gwendalyn', 'Rocheblavex', '1969-06-27'],
	p10: ['Ondine', 'Marchandeauz', '1985-02-14'],
	p11: ['Yanisse', 'Belkhodjaz', '2000-10-10'],
	p12: ['Léocadie', 'Vauquelinot', '2004-04-04'],
	p13: ['Samirah', 'Chaouchiq', '1992-08-18'],
	p14: ['Ombeline', 'Hazebrouckq', '1979-01-05'],
	p15: ['Timéo', 'Grandvoinetz', '2008-02-29'],
	p16: ['Philomène', 'Audouardiez', '1950-12-24'],
	p17: ['Raphaëlo', 'Tessandierx', '1983-03-31'],
	p18: ['Inaya', 'Bouzerdaq', '2002-09-09'],
};
// The form typed and then abandoned: must leave no trace anywhere.
const GHOST = ['Fantômette', 'Abandonnéez', '1999-09-19'];

// Visits in the order they are captured.  how: 'tablet' (default),
// 'keyboard' (no mouse at all), 'phone', 'landscape', 'en' (English UI).
// bad: what is wrong on the first try (the form must refuse it, say so
// next to the field, keep the other answers; then it is corrected).
const D1 = '2021-11-02';
const V = [
	{ p: 'p1', site: 'a-gare', g: 'f', a: '26-44', t: ['employment', 'housing'], o: ['immediate_advice'], fc: 'yes' },
	{ p: 'p2', site: 'a-gare', g: 'm', a: '18-25', t: ['training'], o: ['appointment', 'referral'], fc: 'yes', bad: 'no-gender' },
	{ p: 'p3', site: 'a-gare', g: 'f', a: '18-25', t: ['employment'], o: ['immediate_advice', 'second_meeting'], fc: 'yes' },
	{ p: 'p1', site: 'a-gare', date: '2021-11-09', g: 'f', a: '26-44', t: ['housing'], o: ['referral'], fc: 'no' },
	{ p: 'p4', site: 'a-gare', g: 'x', a: '45-64', t: ['digital'], o: ['online_procedure'], fc: 'yes', bad: 'date-outside' },
	{ p: 'p5', site: 'a-gare', g: 'm', a: '65-plus', t: ['health'], o: ['immediate_advice'], fc: 'yes', how: 'landscape' },
	{ p: 'p6', site: 'a-gare', g: 'f', a: '16-17', t: ['guidance', 'training'], o: ['appointment'], fc: 'yes', how: 'landscape' },
	{ p: 'p7', site: 'a-gare', g: 'm', a: '26-44', t: ['employment', 'mobility'], o: ['referral', 'second_meeting'], fc: 'yes', how: 'keyboard' },
	{ p: 'p8', site: 'a-gare', g: 'f', a: '18-25', t: ['employment', 'childcare'], o: ['immediate_advice'], fc: 'yes', how: 'phone' },
	{ p: 'p3', site: 'a-gare', date: '2021-11-16', g: 'f', a: '18-25', t: ['employment'], o: ['immediate_advice'], fc: 'no', how: 'phone', bad: 'phone-missing' },
	{ p: 'p9', site: 'a-gare', g: 'm', a: '45-64', t: [], o: [], fc: 'yes' },
	{ p: 'p10', site: 'c-rives', date: '2021-11-04', g: 'f', a: '26-44', t: ['housing', 'health'], o: ['referral'], fc: 'yes', how: 'en' },
	{ p: 'p11', site: 'c-rives', date: '2021-11-04', g: 'm', a: '18-25', t: ['employment'], o: ['immediate_advice'], fc: 'yes', how: 'en', bad: 'no-last-name' },
	{ p: 'p12', site: 'c-rives', date: '2021-11-04', g: 'f', a: '18-25', t: ['employment', 'training'], o: ['second_meeting'], fc: 'yes' },
	{ p: 'p2', site: 'c-rives', date: '2021-11-04', g: 'm', a: '18-25', t: ['training'], o: ['referral'], fc: 'no' },
	{ p: 'p13', site: 'c-rives', date: '2021-11-04', g: 'x', a: '26-44', t: ['digital'], o: ['online_procedure', 'appointment'], fc: 'yes' },
	{ p: 'p14', site: 'c-rives', date: '2021-11-04', g: 'f', a: '45-64', t: ['childcare'], o: ['immediate_advice'], fc: 'yes', bad: 'no-age-no-first' },
	{ p: 'p15', site: 'c-rives', date: '2021-11-04', g: 'm', a: '16-17', t: ['guidance'], o: ['appointment'], fc: 'yes' },
	{ p: 'p16', site: 'c-rives', date: '2021-11-11', g: 'f', a: '65-plus', t: ['health', 'housing'], o: ['referral'], fc: 'yes' },
	{ p: 'p17', site: 'c-rives', date: '2021-11-11', g: 'm', a: '26-44', t: ['employment'], o: [], fc: 'yes' },
	{ p: 'p18', site: 'c-rives', date: '2021-11-11', g: 'f', a: '18-25', t: ['mobility', 'employment'], o: ['immediate_advice', 'referral'], fc: 'yes' },
	{ p: 'p10', site: 'c-rives', date: '2021-11-18', g: 'f', a: '26-44', t: ['housing'], o: ['second_meeting'], fc: 'no' },
];

function log(...a) {
	console.log('form.test:', ...a);
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(SHOTS, name + '.png') });
}

// Every submit is a navigation: its final response (after the 303 of a
// recorded visit) tells what the server said.
async function submit(page, how) {
	const nav = page.waitForNavigation();
	if (how === 'keyboard') {
		assert.equal(await page.evaluate(() => document.activeElement.className), 'primary',
		    'Tab after the last answer reaches the submit button');
		await page.keyboard.press('Enter');
	} else {
		await page.click('button.primary');
	}
	return await nav;
}

async function goForm(page) {
	const resp = await page.goto(BASE + '/');
	assert.equal(resp.status(), 200, 'GET / after sign-in');
	assert.equal(await page.locator('h1').innerText(), await page.evaluate(
	    () => document.documentElement.lang === 'en' ? 'New visit' : 'Nouvelle visite'));
}

async function fillWithPointer(page, v, skip = {}) {
	const who = await shown(page, P[v.p]);
	await page.selectOption('#f-site', v.site);
	await page.fill('#f-date', await asPage(page, skip.date ?? v.date ?? D1));
	const ids = plan.identity.map((f) => f.id);
	for (let i = 0; i < ids.length; i++)
		await page.fill('#f-' + ids[i], skip[ids[i]] === undefined ? who[i] : skip[ids[i]]);
	if (!skip.gender)
		await page.check(`#c-gender-${v.g}`);
	if (!skip.age_band)
		await page.check(`#c-age_band-${v.a}`);
	for (const t of v.t)
		await page.check(`#c-topics-${t}`);
	for (const o of v.o)
		await page.check(`#c-outcomes-${o}`);
	if (!skip.first_contact)
		await page.check(`#c-first_contact-${v.fc}`);
}

// Keyboard only: the page opens with the focus in the first identity
// field; Tab walks the form in plan order; arrows choose within a group of
// radio buttons; Space ticks a box.  Derived from the plan, not hard-coded.
async function fillWithKeyboard(page, v) {
	const who = P[v.p];
	const kb = page.keyboard;
	assert.equal(await page.evaluate(() => document.activeElement.id), 'f-' + plan.identity[0].id,
	    'the first identity field has the focus when the form opens');
	// A date is typed as the page asks (jj/mm/aaaa in French), whatever
	// the browser's own locale (Debian's Chromium: en-US): the server
	// reads it in the page's order, so the person is the same one.
	const typed = who.map((w, i) => plan.identity[i].kind === 'date' ? frDay(w) : w);
	for (let i = 0; i < plan.identity.length; i++) {
		await kb.type(typed[i]);
		await tabOut(page, 'f-' + plan.identity[i].id);
	}
	const want = { gender: [v.g], age_band: [v.a], topics: v.t, outcomes: v.o, first_contact: [v.fc] };
	for (const f of plan.fields) {
		const ids = f.type === 'bool' ? ['yes', 'no'] : f.choices.map((c) => c.id);
		const chosen = want[f.id] ?? [];
		if (f.type === 'set') {
			for (const [j, id] of ids.entries()) {
				if (j > 0)
					await kb.press('Tab');
				if (chosen.includes(id))
					await kb.press('Space');
			}
		} else {
			const k = ids.indexOf(chosen[0]);
			if (k === 0)
				await kb.press('Space');
			for (let j = 0; j < k; j++)
				await kb.press('ArrowRight');
		}
		await tabOut(page, null);
	}
	// What the keyboard did is what was meant.
	for (const [i, f] of plan.identity.entries())
		assert.equal(await page.inputValue('#f-' + f.id), typed[i], `keyboard: ${f.id}`);
	for (const [fid, ids] of Object.entries(want))
		for (const id of ids)
			assert.ok(await page.isChecked(`#c-${fid}-${id}`), `keyboard: ${fid} ${id}`);
	assert.equal(await page.locator('input:checked').count(),
	    Object.values(want).flat().length, 'keyboard: nothing else ticked');
}

// 1990-04-02 as a French page asks for it: 02/04/1990.
function frDay(iso) {
	const [y, m, d] = iso.split('-');
	return `${d}/${m}/${y}`;
}

// A date as the page asks for it: jj/mm/aaaa in French, yyyy-mm-dd in
// English; and a person's identity with the date written so.
async function asPage(page, iso) {
	return await page.evaluate(() => document.documentElement.lang) === 'en' ? iso : frDay(iso);
}
async function shown(page, who) {
	const out = [];
	for (const [i, w] of who.entries())
		out.push(plan.identity[i].kind === 'date' ? await asPage(page, w) : w);
	return out;
}

// Tab until the focus leaves the element; with id null, Tab once.
async function tabOut(page, id) {
	for (let i = 0; i < 5; i++) {
		await page.keyboard.press('Tab');
		if (id === null || await page.evaluate(() => document.activeElement.id) !== id)
			return;
	}
	assert.fail(`the focus does not leave ${id}`);
}

// What the page must show after a refused first try.
const BAD = {
	'no-gender': { skip: { gender: true }, fields: ['gender'], msg: 'Choisissez une réponse.' },
	'date-outside': { skip: { date: '2023-01-15' }, fields: ['date'], msg: 'Date hors de la campagne (du 25/10/2021 au 09/01/2022).' },
	'phone-missing': { skip: { first_contact: true }, fields: ['first_contact'], msg: 'Choisissez une réponse.' },
	'no-last-name': { skip: { last_name: '' }, fields: ['last_name'], msg: 'Required.' },
	'no-age-no-first': { skip: { age_band: true, first_name: '   ' }, fields: ['first_name', 'age_band'], msg: null },
};

async function checkRefused(page, v, resp, bad) {
	const want = BAD[bad];
	assert.equal(resp.status(), 422, `${bad}: refused with 422`);
	assert.ok(resp.request().redirectedFrom(), `${bad}: the POST was answered with a redirect`);
	assert.match(page.url(), /\/$/);
	const summary = await page.locator('.errsum').innerText();
	assert.match(summary, /Visite non enregistrée|Visit not recorded/, `${bad}: summary`);
	for (const f of want.fields) {
		const err = page.locator(`#e-${f}`);
		assert.equal(await err.count(), 1, `${bad}: an error next to ${f}`);
		if (want.msg)
			assert.equal((await err.innerText()).replace(/^⚠\s*/, ''), want.msg, `${bad}: message of ${f}`);
	}
	assert.equal(await page.locator('.err').count(), want.fields.length, `${bad}: only the wrong fields are marked`);
	// The other answers are shown again, from the request.
	const who = await shown(page, P[v.p]);
	if (!want.skip.first_name)
		assert.equal(await page.inputValue('#f-first_name'), who[0], `${bad}: first name kept`);
	assert.equal(await page.inputValue('#f-birth_date'), who[2], `${bad}: birth date kept`);
	assert.equal(await page.inputValue('#f-site'), v.site, `${bad}: site kept`);
	for (const t of v.t)
		assert.ok(await page.isChecked(`#c-topics-${t}`), `${bad}: topic ${t} kept`);
	for (const o of v.o)
		assert.ok(await page.isChecked(`#c-outcomes-${o}`), `${bad}: outcome ${o} kept`);
	if (!want.skip.gender)
		assert.ok(await page.isChecked(`#c-gender-${v.g}`), `${bad}: gender kept`);
}

async function fixRefused(page, v, bad) {
	const who = P[v.p];
	const s = BAD[bad].skip;
	if (s.gender)
		await page.check(`#c-gender-${v.g}`);
	if (s.date)
		await page.fill('#f-date', await asPage(page, v.date ?? D1));
	if (s.first_contact)
		await page.check(`#c-first_contact-${v.fc}`);
	if (s.last_name !== undefined)
		await page.fill('#f-last_name', who[1]);
	if (s.first_name !== undefined)
		await page.fill('#f-first_name', who[0]);
	if (s.age_band)
		await page.check(`#c-age_band-${v.a}`);
}

async function checkSaved(page, resp, what) {
	if (resp.status() === 422)
		assert.fail(`${what}: refused: ${await page.locator('.errsum').innerText()}`);
	assert.equal(resp.status(), 200, `${what}: confirmation page`);
	assert.ok(resp.request().redirectedFrom(), `${what}: recorded, then redirected (303)`);
	const ok = await page.locator('.notice.ok').innerText();
	assert.match(ok, /Visite enregistrée|Visit recorded/, `${what}: confirmation`);
	const receipt = await page.locator('.receipt').innerText();
	assert.match(receipt, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/, `${what}: receipt code`);
	// A blank form follows.
	for (const f of plan.identity)
		assert.equal(await page.inputValue('#f-' + f.id), '', `${what}: blank ${f.id}`);
	assert.equal(await page.locator('input[type=radio]:checked, input[type=checkbox]:checked').count(), 0,
	    `${what}: no answer ticked`);
	return receipt;
}

async function setLang(page, lang) {
	const cur = await page.evaluate(() => document.documentElement.lang);
	if (cur === lang)
		return;
	await Promise.all([page.waitForNavigation(), page.click(`header a[hreflang=${lang}]`)]);
	assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
}

async function captureVisit(page, v, n, receipts) {
	const how = v.how ?? 'tablet';
	await page.setViewportSize(how === 'phone' ? PHONE : how === 'landscape' ? LANDSCAPE : TABLET);
	await setLang(page, how === 'en' ? 'en' : 'fr');
	if (how === 'keyboard') {
		await goForm(page);	// fresh page: the focus is where it starts
		await fillWithKeyboard(page, v);
	} else {
		await fillWithPointer(page, v, v.bad ? BAD[v.bad].skip : {});
	}
	if (n === 0)
		await shot(page, 'form-filled-tablet');
	let resp = await submit(page, how);
	if (v.bad) {
		await checkRefused(page, v, resp, v.bad);
		if (v.bad === 'no-gender')
			await shot(page, 'form-error-tablet');
		if (v.bad === 'phone-missing')
			await shot(page, 'form-error-phone');
		await fixRefused(page, v, v.bad);
		resp = await submit(page, how);
	}
	const receipt = await checkSaved(page, resp, `visit ${n + 1}`);
	if (n === 0)
		await shot(page, 'form-saved-tablet');
	if (how === 'phone' && !v.bad)
		await shot(page, 'form-saved-phone');
	// The same person always gets the same receipt code.
	if (receipts[v.p])
		assert.equal(receipt, receipts[v.p], `visit ${n + 1}: same person, same receipt`);
	receipts[v.p] = receipt;
}

// --- expected totals: the plan's own indicators over what was typed ---

// ctx: the visit's day and the person's earlier visits, typed before it
// and dated on or before it ({ day, rec }), for the history conditions
// (docs/formats.md Part I §1.9b; the demo plan uses day windows only).
function meets(pred, rec, ctx) {
	if (pred === true)
		return true;
	if (pred.all)
		return pred.all.every((p) => meets(p, rec, ctx));
	if (pred.any)
		return pred.any.some((p) => meets(p, rec, ctx));
	if (pred.not)
		return !meets(pred.not, rec, ctx);
	const within = (w, e) => w === undefined || w === true ||
	    ctx.day - e.day <= w.days;
	if (pred.seen_before !== undefined)
		return ctx.hist.some((e) => within(pred.seen_before, e));
	if (pred.earlier)
		return ctx.hist.some((e) => within(pred.earlier.within, e) &&
		    meets(pred.earlier.when, e.rec, { day: e.day, hist: [] }));
	const band = (b, k) => (b.min ?? -Infinity) <= k && k <= (b.max ?? Infinity);
	if (pred.visit_number)
		return band(pred.visit_number, 1 + ctx.hist.length);
	if (pred.days_since_first)
		return band(pred.days_since_first, ctx.hist.length ?
		    ctx.day - Math.min(...ctx.hist.map((e) => e.day)) : 0);
	const have = rec[pred.field] ?? [];
	const want = 'eq' in pred ? [pred.eq] : 'in' in pred ? pred.in :
	    'contains' in pred ? [pred.contains] : [pred.is ? 'yes' : 'no'];
	return want.some((w) => have.includes(w));
}

function dayNo(iso) {
	return Math.floor(new Date(iso + 'T00:00:00Z').getTime() / 86400000);
}

function periodId(kind, iso) {
	const d = new Date(iso + 'T00:00:00Z');
	const day = Math.floor(d.getTime() / 86400000);
	switch (kind) {
	case 'day': return day;
	case 'week': return day - ((d.getUTCDay() + 6) % 7);
	case 'month': return d.getUTCFullYear() * 12 + d.getUTCMonth();
	case 'quarter': return d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3);
	case 'year': return d.getUTCFullYear();
	default: return 0;
	}
}

function expected() {
	const rows = [];
	const sites = ['all', ...new Set(V.map((v) => v.site))];
	for (const ind of plan.indicators) {
		const seen = new Set();
		const sum = Object.fromEntries(sites.map((s) => [s, 0]));
		const past = {};
		for (const v of V) {
			const rec = { gender: [v.g], age_band: [v.a], topics: v.t, outcomes: v.o, first_contact: [v.fc] };
			const day = dayNo(v.date ?? D1);
			const hist = (past[v.p] ??= []).filter((e) => e.day <= day);
			past[v.p].push({ day, rec });
			if (!meets(ind.when, rec, { day, hist }))
				continue;
			if (ind.distinct && ind.distinct !== 'none') {
				const key = [v.p, periodId(ind.distinct, v.date ?? D1),
				    ind.scope === 'site' ? v.site : ''].join('/');
				if (seen.has(key))
					continue;
				seen.add(key);
			}
			sum.all++;
			sum[v.site]++;
		}
		for (const s of sites)
			rows.push(`${s},${ind.id},${sum[s]}`);
	}
	return rows.join('\n') + '\n';
}

// --- the run ---

function serveCode() {
	const lines = fs.readFileSync(SERVE_OUT, 'utf8').match(/sign-in code: (\d+)/g);
	assert.ok(lines, 'the server printed a sign-in code');
	return lines[lines.length - 1].replace(/\D/g, '');
}

async function signIn(page) {
	let resp = await page.goto(BASE + '/');
	assert.match(page.url(), /\/signin$/, 'a browser that is not signed in is sent to the sign-in page');
	assert.equal(resp.status(), 200);
	for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cache-control'])
		assert.ok(resp.headers()[h], `header ${h}`);
	assert.equal(resp.headers()['cache-control'], 'no-store');
	await shot(page, 'form-signin-tablet');
	const code = serveCode();
	const wrong = (Number(code[0]) + 1) % 10 + code.slice(1);
	await page.fill('#f-code', wrong);
	resp = await submit(page);
	assert.equal(resp.status(), 403, 'a wrong code is refused');
	assert.match(await page.locator('.errsum').innerText(), /Code incorrect/);
	await page.fill('#f-code', code);
	resp = await submit(page);
	assert.equal(resp.status(), 200);
	assert.match(page.url(), /\/$/, 'signed in: the form');
	const cookies = await page.context().cookies();
	const sid = cookies.find((c) => c.name === 'tv_sid');
	assert.ok(sid, 'session cookie');
	assert.equal(sid.httpOnly, true, 'HttpOnly');
	assert.equal(sid.sameSite, 'Strict', 'SameSite=Strict');
	assert.equal(sid.path, '/');
	assert.match(sid.value, /^[0-9a-f]{64}$/, '32 random bytes');
}

async function checkBlankForm(page) {
	assert.equal(await page.inputValue('#f-site'), 'a-gare', '--site preselects the site');
	assert.equal(await page.inputValue('#f-date'), frDay(D1), '--date gives the date, written jj/mm/aaaa');
	for (const id of ['date', ...plan.identity.filter((f) => f.kind === 'date').map((f) => f.id)]) {
		assert.equal(await page.getAttribute('#f-' + id, 'type'), 'text', `${id}: text, not the locale's date picker`);
		assert.equal(await page.getAttribute('#f-' + id, 'placeholder'), 'jj/mm/aaaa', `${id}: the page's pattern`);
	}
	assert.equal(await page.evaluate(() => document.activeElement.id), 'f-first_name', 'focus on the first name');
	// Every input has its label, every group its legend.
	const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select')]
	    .filter((e) => !e.labels || e.labels.length === 0).map((e) => e.id));
	assert.deepEqual(unlabelled, [], 'inputs without a <label for>');
	assert.equal(await page.locator('fieldset:not(:has(> legend))').count(), 0, 'fieldsets without a legend');
	for (const f of plan.identity)
		assert.equal(await page.getAttribute('#f-' + f.id, 'autocomplete'), 'off');
	// Touch targets: every choice and button at least 44px high.
	const small = await page.evaluate(() => [...document.querySelectorAll('.choice label, button, select, input[type=text], input[type=date]')]
	    .filter((e) => e.getBoundingClientRect().height < 44).length);
	assert.equal(small, 0, 'touch targets under 44px');
	await shot(page, 'form-tablet-portrait');
	await page.setViewportSize(LANDSCAPE);
	await shot(page, 'form-tablet-landscape');
	await page.setViewportSize(PHONE);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
	assert.equal(overflow, false, 'no sideways scrolling on a phone');
	await shot(page, 'form-phone');
	await page.setViewportSize(TABLET);
}

async function statusPage(page, n) {
	await setLang(page, 'fr');
	const resp = await page.goto(BASE + '/status');
	assert.equal(resp.status(), 200);
	const text = await page.locator('main').innerText();
	assert.match(text, new RegExp(`Visites enregistrées aujourd'hui\\s+${n}\\b`), 'status: recorded today');
	assert.match(text, new RegExp(`${n} visite\\(s\\) pas encore mises en lot, 0 lot\\(s\\)`), 'status: pending');
	assert.match(text, /Dernier envoi réussi\s+Jamais/, 'status: never shipped');
	await shot(page, 'form-status-tablet');
	await page.setViewportSize(PHONE);
	await shot(page, 'form-status-phone');
	await page.setViewportSize(TABLET);
}

async function capturedToday(page) {
	await page.goto(BASE + '/status');
	const m = (await page.locator('main').innerText()).match(/(?:aujourd'hui|today)\s+(\d+)/);
	return Number(m[1]);
}

// A form filled and then left: nothing is recorded, nothing kept.
async function abandoned(page, n) {
	await goForm(page);
	await page.fill('#f-first_name', GHOST[0]);
	await page.fill('#f-last_name', GHOST[1]);
	await page.fill('#f-birth_date', GHOST[2]);
	await page.check('#c-gender-x');
	await Promise.all([page.waitForNavigation(), page.click('a.button')]);	// Tout effacer
	assert.equal(await page.inputValue('#f-first_name'), '');
	assert.equal(await capturedToday(page), n, 'an abandoned form records nothing');
}

// After a visit is recorded, Back (to the page where it was typed) must
// not bring the filled form back: no-store and autocomplete=off.
async function backButton(page) {
	const resp = await page.goBack();
	assert.ok(resp, 'Back reloads the page from the server (no-store)');
	for (const f of plan.identity)
		assert.equal(await page.inputValue('#f-' + f.id).catch(() => ''), '', `Back: ${f.id} not kept by the browser`);
	await goForm(page);
}

// A page of another site posts a complete visit to the form: refused
// (no session cookie crosses sites, no token), nothing recorded.
async function crossSite(page, n) {
	await page.route('http://evil.test/**', (route) => route.fulfill({
		contentType: 'text/html',
		body: `<!doctype html><form method="post" action="${BASE}/visit">
		    <input name="csrf" value="0"><input name="once" value="0">
		    <input name="site" value="a-gare"><input name="date" value="${D1}">
		    <input name="first_name" value="Intrus"><input name="last_name" value="Malveillant">
		    <input name="birth_date" value="2000-01-01"><input name="gender" value="f">
		    <input name="age_band" value="26-44"><input name="first_contact" value="yes">
		    <button id="go">go</button></form>`,
	}));
	await page.goto('http://evil.test/');
	const [resp] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
	assert.equal(resp.status(), 403, 'a cross-site post is refused');
	assert.match(await page.locator('h1').innerText(), /Demande refusée/);
	assert.equal(await capturedToday(page), n, 'a cross-site post records nothing');
}

async function notSignedIn(page, n) {
	await goForm(page);
	await fillWithPointer(page, V[0]);
	await page.context().clearCookies();	// the session is gone
	const resp = await submit(page);
	// Refused by a redirect, so that no page made by that POST (with what
	// was typed in its body) stays in the history the browser saves.
	assert.equal(resp.request().redirectedFrom()?.method(), 'POST');
	assert.equal((await resp.request().redirectedFrom().response()).status(), 303,
		'a form sent without a session is sent back (303)');
	assert.match(page.url(), /\/signin\?ended=1$/, '... to the sign-in page');
	assert.match(await page.locator('.notice').innerText(), /Rien n'a été enregistré/);
	const again = await page.goto(BASE + '/');
	assert.match(page.url(), /\/signin$/, 'no session: the sign-in page, not the form');
	assert.equal(again.status(), 200);
	await signIn(page);
	assert.equal(await capturedToday(page), n, 'nothing recorded without a session');
}

async function signOut(page) {
	await goForm(page);
	await Promise.all([page.waitForNavigation(), page.click('header button')]);
	assert.match(page.url(), /\/signin$/);
	await page.goto(BASE + '/status');
	assert.match(page.url(), /\/signin$/, 'signed out: the status page needs a session');
}

async function main() {
	const t0 = Date.now();
	const profile = path.join(OUT, 'profile');
	const ctx = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync', '--lang=fr-FR'],
		locale: 'fr-FR',
		viewport: TABLET,
		deviceScaleFactor: 1,
	});
	const page = ctx.pages()[0] ?? await ctx.newPage();
	page.setDefaultTimeout(10000);
	try {
		await signIn(page);
		await checkBlankForm(page);
		const receipts = {};
		for (let i = 0; i < V.length; i++) {
			await captureVisit(page, V[i], i, receipts);
			if (i === 0)
				await backButton(page);
			if (i === 11)	// the site last used is preselected
				assert.equal(await page.inputValue('#f-site'), 'c-rives');
		}
		log(`${V.length} visits recorded, ${Object.keys(BAD).length} refused first`);
		await statusPage(page, V.length);
		await abandoned(page, V.length);
		await crossSite(page, V.length);
		await notSignedIn(page, V.length);
		await signOut(page);
	} finally {
		await ctx.close();
	}
	fs.writeFileSync(path.join(OUT, 'expected.csv'), expected());
	fs.writeFileSync(path.join(OUT, 'typed.txt'),
	    [...Object.values(P).flat(), ...GHOST].join('\n') + '\n');
	fs.writeFileSync(path.join(OUT, 'count'), `${V.length}\n`);
	log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
