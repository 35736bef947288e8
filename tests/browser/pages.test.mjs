// Browser tests of the Shanyraq pages against a running server.
//
//   BASE_URL=http://127.0.0.1:8080 npm test
//
// For every page, on a desktop screen and on a 375 px wide phone: the right status and
// <html lang>, no horizontal scrolling, no request leaves the server's origin, no console errors,
// no axe violations of WCAG 2.0/2.1 A and AA, and a full-page screenshot in screenshots/ for
// people to look at. Then the HTML of every page goes through the Nu HTML Checker (vnu.jar from
// the vnu-jar package; needs Java). Uses Debian's chromium (CHROMIUM overrides the path).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/** The path of the Nu HTML Checker's jar, as the vnu-jar package ships it. */
const VNU_JAR = String(createRequire(import.meta.url)('vnu-jar'));

const BASE_URL = process.env.BASE_URL;
if (!BASE_URL) {
  console.error('Set BASE_URL to a running Shanyraq server, e.g. BASE_URL=http://127.0.0.1:8080');
  process.exit(2);
}
const base = new URL(BASE_URL);
const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const KAZAKH_LETTERS = /[әғқңөұүһі]/i;
/** The server's default language (the demo's is Kazakh). */
const DEFAULT_LANG = process.env.DEFAULT_LANG || 'kk';

/**
 * A demo account (`shanyraq demo` creates it, with the password `<login>-demo-pass`): a school
 * specialist of the demo's district, who reads its families and no sensitive category, so no
 * family page asks for a purpose.
 */
const DEMO_LOGIN = process.env.DEMO_LOGIN || 'school_specialist';
const DEMO_PASSWORD = process.env.DEMO_PASSWORD || `${DEMO_LOGIN}-demo-pass`;
/** The demo's supervisor of the same district: the staff role that may see who opened a family. */
const SUPERVISOR_LOGIN = process.env.SUPERVISOR_LOGIN || 'supervisor';
/** The demo's administrator: manages accounts and integration tokens. */
const ADMIN_LOGIN = process.env.ADMIN_LOGIN || 'administrator';

/**
 * A code on its way, as the citizen's first sign-in step leaves it in the browser: challenge 1,
 * sent to a phone ending in 1234. The code form shows with it; only answering checks it.
 */
const CODE_PENDING = [{ name: '__Host-shanyraq-challenge', value: '1.1234' }];

/**
 * The pages, each in a fresh browser context (no cookie from an earlier page); those marked
 * `signedIn` start with the cookies of a signed-in session (of the demo account `DEMO_LOGIN`, or
 * of the login `signedIn` names), and those with `cookies` with these cookies too.
 */
const PAGES = [
  { name: 'start-default', path: '/', lang: DEFAULT_LANG, status: 200 },
  { name: 'start-kk', path: '/?lang=kk', lang: 'kk', status: 200 },
  { name: 'start-ru', path: '/?lang=ru', lang: 'ru', status: 200 },
  { name: 'start-en', path: '/?lang=en', lang: 'en', status: 200 },
  { name: 'docs-kk', path: '/api/docs?lang=kk', lang: 'kk', status: 200 },
  { name: 'docs-ru', path: '/api/docs?lang=ru', lang: 'ru', status: 200 },
  { name: 'docs-en', path: '/api/docs?lang=en', lang: 'en', status: 200 },
  // The demo assesses every family, so family 1 has a level, an explanation and a history.
  { name: 'sign-in-kk', path: '/sign-in?lang=kk', lang: 'kk', status: 200 },
  { name: 'sign-in-ru', path: '/sign-in?lang=ru', lang: 'ru', status: 200 },
  { name: 'sign-in-en', path: '/sign-in?lang=en', lang: 'en', status: 200 },
  { name: 'sign-in-citizen-kk', path: '/sign-in/citizen?lang=kk', lang: 'kk', status: 200 },
  { name: 'sign-in-citizen-ru', path: '/sign-in/citizen?lang=ru', lang: 'ru', status: 200 },
  { name: 'sign-in-citizen-en', path: '/sign-in/citizen?lang=en', lang: 'en', status: 200 },
  { name: 'sign-in-code-kk', path: '/sign-in/code?lang=kk', lang: 'kk', status: 200, cookies: CODE_PENDING },
  { name: 'sign-in-code-ru', path: '/sign-in/code?lang=ru', lang: 'ru', status: 200, cookies: CODE_PENDING },
  { name: 'sign-in-code-en', path: '/sign-in/code?lang=en', lang: 'en', status: 200, cookies: CODE_PENDING },
  // Without a session a family page leads to signing in.
  { name: 'family-anonymous', path: '/families/1', lang: DEFAULT_LANG, status: 200 },
  { name: 'family-default', path: '/families/1', lang: DEFAULT_LANG, status: 200, signedIn: true },
  { name: 'family-kk', path: '/families/1?lang=kk', lang: 'kk', status: 200, signedIn: true },
  { name: 'family-ru', path: '/families/1?lang=ru', lang: 'ru', status: 200, signedIn: true },
  { name: 'family-en', path: '/families/1?lang=en', lang: 'en', status: 200, signedIn: true },
  { name: 'family-for-family-kk', path: '/families/1?audience=family&lang=kk', lang: 'kk', status: 200, signedIn: true },
  // Who looked at the family's data: for supervisors (and the family), not for other staff.
  { name: 'access-log-kk', path: '/families/1/access-log?lang=kk', lang: 'kk', status: 200, signedIn: SUPERVISOR_LOGIN },
  { name: 'access-log-ru', path: '/families/1/access-log?lang=ru', lang: 'ru', status: 200, signedIn: SUPERVISOR_LOGIN },
  { name: 'access-log-en', path: '/families/1/access-log?lang=en', lang: 'en', status: 200, signedIn: SUPERVISOR_LOGIN },
  { name: 'access-log-denied', path: '/families/1/access-log', lang: DEFAULT_LANG, status: 403, signedIn: true },
  // A family that does not exist reads like one the account may not open.
  { name: 'family-unknown', path: '/families/999999999', lang: DEFAULT_LANG, status: 403, signedIn: true },
  // The refusal offers staff the emergency access form; supervisors review those accesses.
  { name: 'family-unknown-ru', path: '/families/999999999?lang=ru', lang: 'ru', status: 403, signedIn: true },
  { name: 'family-unknown-en', path: '/families/999999999?lang=en', lang: 'en', status: 403, signedIn: true },
  { name: 'break-glass-kk', path: '/break-glass?lang=kk', lang: 'kk', status: 200, signedIn: SUPERVISOR_LOGIN },
  { name: 'break-glass-ru', path: '/break-glass?lang=ru', lang: 'ru', status: 200, signedIn: SUPERVISOR_LOGIN },
  { name: 'break-glass-en', path: '/break-glass?lang=en', lang: 'en', status: 200, signedIn: SUPERVISOR_LOGIN },
  { name: 'break-glass-denied', path: '/break-glass', lang: DEFAULT_LANG, status: 403, signedIn: true },
  // Accounts and integration tokens: for administrators only.
  { name: 'admin-users-kk', path: '/admin/users?lang=kk', lang: 'kk', status: 200, signedIn: ADMIN_LOGIN },
  { name: 'admin-users-ru', path: '/admin/users?lang=ru', lang: 'ru', status: 200, signedIn: ADMIN_LOGIN },
  { name: 'admin-users-en', path: '/admin/users?lang=en', lang: 'en', status: 200, signedIn: ADMIN_LOGIN },
  { name: 'admin-tokens-kk', path: '/admin/tokens?lang=kk', lang: 'kk', status: 200, signedIn: ADMIN_LOGIN },
  { name: 'admin-tokens-ru', path: '/admin/tokens?lang=ru', lang: 'ru', status: 200, signedIn: ADMIN_LOGIN },
  { name: 'admin-tokens-en', path: '/admin/tokens?lang=en', lang: 'en', status: 200, signedIn: ADMIN_LOGIN },
  { name: 'admin-users-denied', path: '/admin/users', lang: DEFAULT_LANG, status: 403, signedIn: true },
  { name: 'not-found-default', path: '/no-such-page', lang: DEFAULT_LANG, status: 404 },
  { name: 'not-found-en', path: '/no-such-page?lang=en', lang: 'en', status: 404 },
];

/** A desktop screen, and a small, cheap phone: many of the people we serve use one. */
const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'mobile', viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true },
];

let browser;
/** The cookies of a signed-in session per login, as Playwright keeps them. */
const signedInStates = new Map();

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

/** Signs `login` in through the form in a fresh context; the context's state afterwards. */
async function signIn(login) {
  const password = login === DEMO_LOGIN ? DEMO_PASSWORD : `${login}-demo-pass`;
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(new URL('/sign-in?next=/families/1', base).href);
    await page.fill('#login', login);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(/\/families\/1$/), page.click('form.form button[type="submit"]')]);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

/** The signed-in state of `signedIn` (a page spec's field): `true` is the demo account. */
async function signedInState(signedIn) {
  const login = signedIn === true ? DEMO_LOGIN : signedIn;
  if (!signedInStates.has(login)) signedInStates.set(login, await signIn(login));
  return signedInStates.get(login);
}

/** The Cookie header of a page spec's session and cookies, for requests made outside the browser. */
async function cookieHeader(spec) {
  const cookies = spec.signedIn ? (await signedInState(spec.signedIn)).cookies : [];
  return [...cookies, ...(spec.cookies ?? [])].map((c) => `${c.name}=${c.value}`).join('; ');
}

after(async () => {
  await browser?.close();
});

/** Opens `path` in a fresh context, recording requests and console errors. */
async function open(path, { locale = 'en-US', screen = VIEWPORTS[0], signedIn = false, cookies = [] } = {}) {
  const { viewport, isMobile = false, hasTouch = false } = screen;
  const storageState = signedIn ? await signedInState(signedIn) : undefined;
  const context = await browser.newContext({ locale, viewport, isMobile, hasTouch, storageState });
  if (cookies.length > 0) {
    await context.addCookies(
      cookies.map((c) => ({ ...c, domain: base.hostname, path: '/', secure: true, httpOnly: true, sameSite: 'Strict' })),
    );
  }
  const page = await context.newPage();
  const foreign = [];
  const consoleErrors = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin !== base.origin && url.protocol !== 'data:') foreign.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
  return { context, page, response, foreign, consoleErrors };
}

function describeViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
    .join('\n');
}

/** Every check of one page on one screen. */
async function checkPage(spec, screen) {
  // The browser asks for German, which the server does not offer: pages without ?lang=
  // come in the server's default language.
  const { context, page, response, foreign, consoleErrors } = await open(spec.path, {
    locale: 'de-DE',
    screen,
    signedIn: spec.signedIn,
    cookies: spec.cookies,
  });
  try {
    assert.equal(response.status(), spec.status);
    assert.match(response.headers()['content-type'], /^text\/html/);
    assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
    assert.equal(await page.getAttribute('html', 'lang'), spec.lang);
    assert.equal(await page.locator('h1').count(), 1, 'one heading says what the page is for');
    assert.ok((await page.title()).length > 0);
    if (spec.lang === 'kk') {
      assert.match(await page.locator('body').innerText(), KAZAKH_LETTERS);
    }
    // Nothing is wider than the screen: the page never scrolls sideways.
    const width = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.equal(width.client, screen.viewport.width, 'the page is laid out for the screen');
    assert.ok(width.scroll <= width.client, `scrolls sideways: ${width.scroll} px > ${width.client} px`);
    // Every language is one click away.
    for (const l of ['kk', 'ru', 'en']) {
      assert.equal(await page.locator(`nav a[hreflang="${l}"]`).count(), 1, `switcher offers ${l}`);
    }
    // Keyboard first: the first Tab lands on the skip link, which is then visible.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    assert.equal(focused, '#main');
    assert.ok(await page.locator('.skip-link').isVisible());
    await page.keyboard.press('Escape');
    await page.evaluate(() => document.activeElement?.blur());

    await page.screenshot({ path: join(shots, `${spec.name}-${screen.name}.png`), fullPage: true });

    const axe = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    assert.equal(axe.violations.length, 0, describeViolations(axe.violations));

    assert.deepEqual(foreign, [], 'nothing is loaded from outside the server');
    const errors = consoleErrors.filter((e) => !(spec.status >= 400 && e.includes(String(spec.status))));
    assert.deepEqual(errors, [], 'no console errors (a CSP violation would show here)');
  } finally {
    await context.close();
  }
}

describe('every page', () => {
  for (const spec of PAGES) {
    for (const screen of VIEWPORTS) {
      test(`${spec.name} (${screen.name}): ${spec.path}`, () => checkPage(spec, screen));
    }
  }
});

/** Runs the Nu HTML Checker on `files` (paths) and returns its messages. */
function nuCheck(files) {
  const run = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ifError(run.error);
  // The report goes to stderr; the exit status is 1 when there are errors.
  try {
    return JSON.parse(run.stderr).messages;
  } catch {
    return assert.fail(`the checker gave no JSON report (status ${run.status}):\n${run.stderr}${run.stdout}`);
  }
}

describe('valid HTML', () => {
  test('every page passes the Nu HTML Checker', async () => {
    const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
    assert.ok(
      !java.error && java.status === 0,
      'Java is needed to run the Nu HTML Checker (vnu.jar). Install it; on Debian: ' +
        'apt-get install default-jre-headless',
    );
    const dir = mkdtempSync(join(tmpdir(), 'shanyraq-html-'));
    try {
      /** File name → the page's path on the server. */
      const pages = new Map();
      for (const spec of PAGES) {
        const headers = { 'Accept-Language': 'de-DE' };
        const cookie = await cookieHeader(spec);
        if (cookie) headers.Cookie = cookie;
        const response = await fetch(new URL(spec.path, base), { headers });
        assert.equal(response.status, spec.status, spec.path);
        const name = `${spec.name}.html`;
        writeFileSync(join(dir, name), await response.text());
        pages.set(name, spec.path);
      }
      // A page known to be invalid (a head without a title) proves that the checker reads
      // the files and reports what it finds.
      const canary = 'canary.html';
      writeFileSync(join(dir, canary), '<!DOCTYPE html><html lang="en"><head></head><body></body></html>');

      const files = [...pages.keys(), canary].map((name) => join(dir, name));
      const messages = nuCheck(files).map((m) => ({ ...m, file: basename(new URL(m.url).pathname) }));
      assert.ok(
        messages.some((m) => m.file === canary && m.type === 'error'),
        `the checker missed the error planted in ${canary}: ${JSON.stringify(messages)}`,
      );
      const errors = messages
        .filter((m) => m.file !== canary)
        .map((m) => {
          const where = `${pages.get(m.file) ?? m.url}:${m.lastLine ?? '?'}:${m.lastColumn ?? '?'}`;
          const extract = m.extract ? `\n    ${m.extract.replace(/\s+/g, ' ')}` : '';
          return `${where}: ${m.type}: ${m.message}${extract}`;
        });
      assert.deepEqual(errors, [], `invalid HTML:\n${errors.join('\n')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('language choice', () => {
  test('?lang= is remembered on the next page', async () => {
    const { context, page } = await open('/?lang=ru');
    try {
      await page.goto(new URL('/api/docs', base).href);
      assert.equal(await page.getAttribute('html', 'lang'), 'ru');
      await page.click('nav a[hreflang="en"]');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.goto(new URL('/', base).href);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    } finally {
      await context.close();
    }
  });

  test('Accept-Language decides when nothing was chosen', async () => {
    const { context, page } = await open('/', { locale: 'ru-RU' });
    try {
      assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    } finally {
      await context.close();
    }
  });
});

describe('family page', () => {
  test('shows the level as letter and word, the reasons and the history', async () => {
    const { context, page } = await open('/families/1?lang=kk', { signedIn: true });
    try {
      const level = (await page.locator('p.level').innerText()).trim();
      assert.match(level, /^[A-E] — \S/, `the level is its letter and its word: ${level}`);
      assert.match(await page.locator('p.level').getAttribute('class'), /\blevel-[a-e]\b/);
      assert.ok((await page.locator('ul.reasons > li').count()) > 0, 'the reasons are listed');
      assert.ok((await page.locator('table tbody tr').count()) > 0, 'the level history is a table');
      assert.match(await page.locator('table tbody td').first().innerText(), /^\d{2}\.\d{2}\.\d{4}$/);
      // The explanation for the family is one click away, and keeps the language.
      await page.click('a[href="/families/1?audience=family"]');
      assert.equal(await page.getAttribute('html', 'lang'), 'kk');
      assert.equal(await page.locator('.audience strong[aria-current="page"]').innerText(), 'отбасына');
      await page.click('nav a[hreflang="ru"]');
      assert.equal(await page.getAttribute('html', 'lang'), 'ru');
      assert.match(page.url(), /audience=family/);
    } finally {
      await context.close();
    }
  });
});

describe('signing in', () => {
  test('the browser keeps the Secure __Host- session cookie on this address, and signs out', async () => {
    const { context, page } = await open('/families/1?lang=en');
    try {
      // Without a session the family page sends the reader to sign in, and back afterwards.
      assert.equal(new URL(page.url()).pathname, '/sign-in');
      await page.fill('#login', DEMO_LOGIN);
      await page.fill('#password', DEMO_PASSWORD);
      await Promise.all([page.waitForURL(/\/families\/1/), page.click('form.form button[type="submit"]')]);
      const session = (await context.cookies()).find((c) => c.name === '__Host-shanyraq-session');
      assert.ok(session, `the session cookie is kept: ${JSON.stringify(await context.cookies())}`);
      assert.ok(session.secure && session.httpOnly && session.path === '/' && session.sameSite === 'Lax');
      assert.equal(await page.locator('p.level').count(), 1, 'the family page shows after signing in');
      await Promise.all([page.waitForURL(/\/sign-in$/), page.click('form[action="/sign-out"] button')]);
      await page.goto(new URL('/families/1', base).href);
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed out');
    } finally {
      await context.close();
    }
  });

  test('a wrong password is refused with an error summary linked to the field', async () => {
    const { context, page } = await open('/sign-in?lang=ru');
    try {
      await page.fill('#login', DEMO_LOGIN);
      await page.fill('#password', 'not the password');
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form.form button[type="submit"]')]);
      assert.equal(response.status(), 401);
      assert.equal(await page.locator('.error-summary a[href="#login"]').count(), 1);
      const axe = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
      assert.equal(axe.violations.length, 0, describeViolations(axe.violations));
    } finally {
      await context.close();
    }
  });
});

describe('reference page', () => {
  test('links from the start page and reaches every endpoint by anchor', async () => {
    const { context, page } = await open('/?lang=en');
    try {
      await page.click('a[href="/api/docs"]');
      assert.equal(new URL(page.url()).pathname, '/api/docs');
      const anchors = await page.$$eval('a[href^="#op-"]', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(anchors.length >= 5, `endpoints listed: ${anchors}`);
      for (const a of anchors) {
        assert.equal(await page.locator(a).count(), 1, `${a} exists`);
      }
      const schemaLinks = await page.$$eval('a[href^="#schema-"]', (as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
      for (const a of schemaLinks) {
        assert.equal(await page.locator(a).count(), 1, `${a} exists`);
      }
    } finally {
      await context.close();
    }
  });
});
