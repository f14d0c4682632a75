// The quotes on the dataset's page (release format 5), in headless Chromium (Debian's, through
// playwright-core), checked by tests/it/page_evidence.rs:
//
//   node evidence.mjs SITE_DIR FORMAT4_SITE_DIR EXPECT_JSON
//
// SITE_DIR is a format 5 page with an evidence table; FORMAT4_SITE_DIR the same data as a
// format 4 page. For each event of EXPECT_JSON ({"events": [{"id", "quotes", "captions"}]}),
// its record (opened at its permalink) shows each quote in a <blockquote>, as text, with a
// caption that says what it supports and who claims it; the table read without JavaScript
// shows the same quotes in the event's row. Markup in a quote never runs (no dialog, no
// script element, no global it would set). axe-core finds no violation on the format 5 page
// (record open, and without JavaScript) that the format 4 page does not have. Exit 0 when
// every check passes; otherwise the failures are printed and the exit code is 1.
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

const [site, format4, expectFile] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectFile, "utf8"));
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const axePath = join(dirname(fileURLToPath(import.meta.url)), "node_modules/axe-core/axe.min.js");
const urlOf = (dir) => pathToFileURL(resolve(join(dir, "index.html"))).href;
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  await withScript();
  await withoutScript();
  await accessibility();
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}

/// A page that records console errors, dialogs (an alert would mean markup ran) and every
/// request that is not a file.
async function open(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => { errors.push(`a dialog opened: ${d.message()}`); d.dismiss(); });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file:")) return route.continue();
    errors.push(`a request to ${u}`);
    return route.abort();
  });
  return { page, errors };
}

/// The record of each expected event, opened at its permalink.
async function withScript() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const { page, errors } = await open(context);
  for (const e of expect.events) {
    await page.goto(`${urlOf(site)}#${e.id}`);
    await page.waitForSelector("#detail[open]");
    const quotes = await page.locator("#detail figure.quote blockquote").allTextContents();
    check(JSON.stringify(quotes) === JSON.stringify(e.quotes), `the record of ${e.id} shows its quotes: ${JSON.stringify(quotes)}`);
    const captions = (await page.locator("#detail figure.quote figcaption").allTextContents()).join("\n");
    for (const c of e.captions) check(captions.includes(c), `the record of ${e.id} says "${c}"`);
    const heading = await page.locator("#detail section.evidence h3").textContent();
    check(heading === "Quotes from the source", `the record of ${e.id} heads its quotes: "${heading}"`);
    const ran = await page.evaluate(() => [document.querySelectorAll("#detail script, #detail img").length, typeof window.__quoted]);
    check(ran[0] === 0 && ran[1] === "undefined", `markup in a quote of ${e.id} stays text (${ran})`);
  }
  check(errors.length === 0, `no console errors, dialogs or requests (${errors.join(" | ")})`);
  await context.close();
}

/// The table read without JavaScript: each expected event's row carries its quotes.
async function withoutScript() {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const { page, errors } = await open(context);
  await page.goto(urlOf(site));
  for (const e of expect.events) {
    const row = page.locator(`#events-table-all tr[id="${e.id}"]`);
    await row.locator("details summary").click();
    const quotes = await row.locator("figure.quote blockquote").allTextContents();
    check(JSON.stringify(quotes) === JSON.stringify(e.quotes), `without JavaScript, the row of ${e.id} shows its quotes: ${JSON.stringify(quotes)}`);
  }
  check(errors.length === 0, `without JavaScript: no dialogs or requests (${errors.join(" | ")})`);
  await context.close();
}

/// The violations axe-core finds on a page: with the first expected event's record open, or
/// as read without JavaScript. axe needs scripts, so the latter is a copy of the page as a
/// browser without JavaScript reads it (scripts gone, <noscript> content in place), with
/// the event's quotes unfolded.
async function violations(dir, scripts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  if (scripts) {
    await page.goto(`${urlOf(dir)}#${expect.events[0].id}`);
    await page.waitForSelector("#detail[open]");
  } else {
    const html = readFileSync(join(dir, "index.html"), "utf8")
      .replace(/<script[^>]*>[\s\S]*?<\/script>/g, "")
      .replace(/<\/?noscript>/g, "");
    writeFileSync(join(dir, "nojs.html"), html);
    await page.goto(pathToFileURL(resolve(join(dir, "nojs.html"))).href);
    const summary = page.locator(`#events-table-all tr[id="${expect.events[0].id}"] details summary`);
    if (await summary.count()) await summary.click();
  }
  await page.addScriptTag({ content: readFileSync(axePath, "utf8") });
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id));
  await context.close();
  return found;
}

async function accessibility() {
  for (const scripts of [true, false]) {
    const now = await violations(site, scripts);
    const before = await violations(format4, scripts);
    const added = now.filter((id) => !before.includes(id));
    const how = scripts ? "with the record open" : "without JavaScript";
    console.log(`axe-core ${how}: format 5 ${JSON.stringify(now)}, format 4 ${JSON.stringify(before)}`);
    check(added.length === 0, `axe-core ${how}: no new violation (${added.join(", ")})`);
  }
}
