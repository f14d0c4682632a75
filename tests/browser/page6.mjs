// The page for everyone (release format 6) in headless Chromium (Debian's, through
// playwright-core), checked by tests/it/page6.rs:
//
//   node page6.mjs check SITE_DIR EXPECT_JSON SHOTS_DIR   # a format 6 page of a dataset
//   node page6.mjs phone SITE_DIR SHOTS_DIR NAME          # layout and axe-core only (any size)
//   node page6.mjs nosite SITE_DIR                        # a page without pictures
//   node page6.mjs contract SITE_DIR EXPECT_JSON          # the pictures' links (see below)
//
// EXPECT_JSON (computed by page6.rs from the CSV files) gives a search word and the id it must
// find, a filter with the exact CSV its rows download as, and ids for the card. Screenshots go
// to SHOTS_DIR. Any console error or any request that is not a file:// URL fails. Exit 0 when
// every check passes; otherwise the failures are printed and the exit code is 1.
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

const [mode, siteDir, ...rest] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const axePath = join(dirname(fileURLToPath(import.meta.url)), "node_modules/axe-core/axe.min.js");
const url = pathToFileURL(resolve(join(siteDir, "index.html"))).href;
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  if (mode === "check") await checks(JSON.parse(readFileSync(rest[0], "utf8")), rest[1]);
  else if (mode === "phone") await phone(rest[0], rest[1]);
  else if (mode === "nosite") await nosite();
  else if (mode === "contract") await contract(JSON.parse(readFileSync(rest[0], "utf8")));
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}

/// A page (in a new context) that records console errors and refuses every non-file request.
async function open(options = {}, at = url) {
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file:") || u.startsWith("blob:")) return route.continue();
    requests.push(u);
    return route.abort();
  });
  await page.goto(at);
  if (options.javaScriptEnabled !== false) await page.waitForSelector("html[data-ready=true]");
  return { context, page, errors, requests };
}

/// The ids of the rows that match (the count's rows, laid out a page at a time).
async function shownIds(page) {
  while (await page.locator("#more").isVisible()) await page.locator("#more").click();
  return page.locator("#events-table tbody tr").evaluateAll((trs) => trs.map((t) => t.id));
}

/// The serious and critical violations axe-core finds, by rule and count of nodes.
async function axe(page) {
  await page.addScriptTag({ content: readFileSync(axePath, "utf8") });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")})`);
  });
}

/// Nothing wider than the screen: the document does not scroll sideways.
async function noSideways(page, what) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(sw <= iw, `${what}: the page is ${sw} px wide on a ${iw} px screen`);
}

async function phone(shots, name) {
  for (const scheme of ["light", "dark"]) {
    const { context, page, errors } = await open({ viewport: PHONE, colorScheme: scheme });
    await noSideways(page, `${name}, phone, ${scheme}`);
    const cards = await page.locator("#events-table tbody tr").first().evaluate((tr) => getComputedStyle(tr).display);
    check(cards === "block", `${name}, phone: the events are cards (a row is display ${cards})`);
    await page.screenshot({ path: join(shots, `page6-${name}-phone-${scheme}.png`) });
    await page.evaluate(() => document.getElementById("count").scrollIntoView());
    await page.screenshot({ path: join(shots, `page6-${name}-phone-${scheme}-events.png`) });
    // axe-core reads the stylesheet, which file:// refuses with a console error: the page's
    // own errors are counted before it runs.
    check(errors.length === 0, `${name}: no console errors (${errors.join(" | ")})`);
    const found = await axe(page);
    console.log(`axe-core ${name} ${scheme}: ${found.length} serious or critical ${JSON.stringify(found)}`);
    check(found.length === 0, `${name}, ${scheme}: axe-core finds no serious or critical violation`);
    await context.close();
  }
  for (const scheme of ["light", "dark"]) {
    const { context, page } = await open({ viewport: { width: 1440, height: 2400 }, colorScheme: scheme });
    await page.screenshot({ path: join(shots, `page6-${name}-desktop-${scheme}.png`) });
    for (const part of ["timeline", "events"]) {
      if (!(await page.locator(`#${part}`).count())) continue;
      await page.evaluate((id) => document.getElementById(id).scrollIntoView(), part);
      await page.screenshot({ path: join(shots, `page6-${name}-desktop-${scheme}-${part}.png`) });
    }
    await context.close();
  }
}

async function nosite() {
  const { context, page, errors } = await open();
  const headings = await page.locator("h2").allTextContents();
  check(!headings.includes("Timeline") && !headings.includes("Map"), `no Timeline or Map heading (${headings.join(", ")})`);
  const navs = await page.locator("nav a").allTextContents();
  check(!navs.includes("Timeline") && !navs.includes("Map"), `no link to a Timeline or Map (${navs.join(", ")})`);
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  await context.close();
}

async function checks(expect, shots) {
  await phone(shots, "dataset");
  await search(expect);
  await download(expect);
  await focus(expect, "Escape");
  await focus(expect, "Close");
  await cardLeads(expect, shots);
  await permalinks(expect);
  await words(expect);
  await charts(expect);
  await markersFilter();
  await printed();
  await withoutScript(expect);
  await skipLink();
}

/// The skip link, once focused, is in sight and clear of the title.
async function skipLink() {
  const { context, page } = await open({ viewport: PHONE });
  await page.keyboard.press("Tab");
  const [skip, title] = await page.evaluate(() => [document.activeElement, document.querySelector("h1")]
    .map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, text: e.textContent }; }));
  check(skip.text === "Skip to the events", `Tab first reaches the skip link ("${skip.text}")`);
  check(skip.left >= 0 && skip.bottom <= title.top, `the skip link (${skip.top} to ${skip.bottom}) is above the title (from ${title.top})`);
  await context.close();
}

/// Without JavaScript: every row, in words, and a phone still does not scroll sideways.
async function withoutScript(expect) {
  const { context, page } = await open({ javaScriptEnabled: false, viewport: PHONE });
  const rows = await page.locator("#events-table-all tbody tr").count();
  check(rows === expect.rows, `without JavaScript: ${rows} rows, expected ${expect.rows}`);
  const cells = await page.locator(`#events-table-all tr[id="${expect.card.id}"] td`).allTextContents();
  check(cells.includes(expect.card.type), `without JavaScript: the type in words ("${expect.card.type}" in ${JSON.stringify(cells)})`);
  await noSideways(page, "without JavaScript, phone");
  await context.close();
}

/// Search finds a place's name; the address keeps it, and a fresh page opened at that address
/// shows the same rows with the box filled.
async function search(expect) {
  const { context, page, errors, requests } = await open();
  await page.locator("#search").fill(expect.search.word);
  const ids = await shownIds(page);
  check(ids.includes(expect.search.id), `search "${expect.search.word}" finds ${expect.search.id} (${ids.join(" ")})`);
  for (const [word, id] of expect.search.also) {
    await page.locator("#search").fill(word);
    const found = await shownIds(page);
    check(found.includes(id), `search "${word}" finds ${id} (${found.length} rows)`);
  }
  await page.locator("#search").fill(expect.search.word);
  const address = await page.evaluate(() => location.href);
  check(address.includes(`q=${expect.search.word}`), `the address keeps the search (${address})`);
  const fresh = await open({}, address);
  const again = await shownIds(fresh.page);
  check(JSON.stringify(again) === JSON.stringify(ids), `the address shows the same ${ids.length} rows in a fresh page`);
  const box = await fresh.page.locator("#search").inputValue();
  check(box === expect.search.word, `the search box is filled ("${box}")`);
  // A sort and a filter are kept too.
  await fresh.page.locator(`#filters select[name="${expect.filter.col}"]`).selectOption(expect.filter.value);
  const sorted = fresh.page.locator(`#events-table th[data-name="${expect.sort}"] button`);
  await sorted.click();
  await sorted.click();
  const view = await shownIds(fresh.page);
  const kept = await fresh.page.evaluate(() => location.href);
  const third = await open({}, kept);
  check(JSON.stringify(await shownIds(third.page)) === JSON.stringify(view), `filter, search and sort survive the address (${kept})`);
  check((await third.page.locator(`#events-table th[data-name="${expect.sort}"]`).getAttribute("aria-sort")) === "descending", "the sort is restored");
  for (const p of [fresh, third]) {
    errors.push(...p.errors);
    requests.push(...p.requests);
    await p.context.close();
  }
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  check(requests.length === 0, `no network requests (${requests.join(" ")})`);
  await context.close();
}

/// "Download these N rows" gives the rows that match, as the main table's CSV writes them.
async function download(expect) {
  const { context, page } = await open();
  await page.locator(`#filters select[name="${expect.filter.col}"]`).selectOption(expect.filter.value);
  const button = page.locator("#download-rows");
  const label = await button.textContent();
  check(label === `Download these ${expect.filter.count} rows (CSV)`, `the button says "${label}"`);
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const got = readFileSync(await file.path(), "utf8");
  check(got === expect.filter.csv, `the download is the ${expect.filter.count} rows as ${expect.filter.file} writes them (${got.length} chars, expected ${expect.filter.csv.length})`);
  const requests = [];
  page.on("request", (r) => { if (!r.url().startsWith("blob:") && !r.url().startsWith("file:")) requests.push(r.url()); });
  check(requests.length === 0, "no network for the download");
  await context.close();
}

/// After a card opened from the table closes (Escape or Close), focus is on the link that
/// opened it.
async function focus(expect, how) {
  const { context, page, errors } = await open();
  const link = page.locator(`#events-table a[href="#${expect.card.id}"]`);
  await page.locator("#search").fill(expect.card.id);
  await link.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#detail[open]");
  if (how === "Escape") await page.keyboard.press("Escape");
  else await page.locator("#detail-close").click();
  await page.waitForFunction(() => !document.getElementById("detail").open);
  const active = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("href"));
  check(active === `#${expect.card.id}`, `after ${how}, focus is on the opening link (${active})`);
  const address = await page.evaluate(() => location.href);
  check(address.includes(`q=${expect.card.id}`), `after ${how}, the address is the view again (${address})`);
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  await context.close();
}

/// The card leads with the event: Close at the top, the places and sources by name (sources as
/// links), figures with their bounds, the notes, the quotes; blank fields folded away.
async function cardLeads(expect, shots) {
  for (const viewport of [DESKTOP, PHONE]) {
    const { context, page } = await open({ viewport }, `${url}#${expect.card.id}`);
    await page.waitForSelector("#detail[open]");
    const [close, title] = await Promise.all([
      page.locator("#detail-close").boundingBox(),
      page.locator("#detail-title").boundingBox(),
    ]);
    check(close.y < title.y, `Close (at ${close.y}) is above the title (at ${title.y})`);
    const box = await page.locator("#detail").boundingBox();
    check(box.x >= 0 && box.x + box.width <= viewport.width, `the card fits the ${viewport.width} px screen (${box.x} to ${box.x + box.width})`);
    const seen = await page.locator("#detail-body").evaluate((b) => {
      const visible = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
      const text = Array.from(b.children).filter((c) => !c.matches("details")).map((c) => c.innerText).join("\n");
      return { text, sources: Array.from(b.querySelectorAll("a[href^='http']")).filter(visible).map((a) => a.href) };
    });
    for (const s of expect.card.shows) check(seen.text.includes(s), `the card shows "${s}"`);
    check(!seen.text.includes("(blank)"), "the card folds blank fields away");
    check(seen.sources.length >= 1, `the card links its sources (${seen.sources.join(" ")})`);
    const notesAt = seen.text.indexOf(expect.card.notes.slice(0, 40));
    check(notesAt >= 0, "the card shows the notes");
    check(await page.locator("#detail details.all-fields").count() === 1, "every field is a fold away");
    await page.screenshot({ path: join(shots, `page6-card-${viewport.width}.png`) });
    await context.close();
  }
}

/// An id in lower case opens its event; an unknown id says so.
async function permalinks(expect) {
  const lower = await open({}, `${url}#${expect.card.id.toLowerCase()}`);
  await lower.page.waitForSelector("#detail[open]");
  check((await lower.page.locator("#detail-title").textContent()) === expect.card.id, "a lower-case permalink opens its event");
  await lower.context.close();
  const unknown = await open({}, `${url}#${expect.unknown}`);
  const message = unknown.page.locator(".permalink-message");
  check(await message.isVisible(), "an unknown permalink shows a message");
  check((await message.textContent()).includes(expect.unknown), "the message names the id");
  await unknown.context.close();
}

/// The filters, the table's header, the headline figures and the card speak the schemas'
/// words, not the columns' names.
async function words(expect) {
  const { context, page } = await open({}, `${url}#${expect.card.id}`);
  await page.waitForSelector("#detail[open]");
  const text = await page.evaluate(() => ["#filters", "#events-table thead", "#figures", "#detail-body > dl", "#detail-body .figures-list"]
    .map((s) => Array.from(document.querySelectorAll(s)).map((e) => e.textContent).join(" ")).join("\n"));
  for (const raw of expect.raw) check(!text.includes(raw), `no raw name "${raw}" in the filters, header, figures or card`);
  for (const t of expect.titles) check(text.includes(t), `the title "${t}" is shown`);
  await context.close();
}

/// The timeline and the map follow the filters; a month's bar filters to that month.
async function charts(expect) {
  const { context, page, errors } = await open({ viewport: { width: 1440, height: 2000 } });
  await page.locator(`#filters select[name="${expect.filter.col}"]`).selectOption(expect.filter.value);
  const matched = new Set(await shownIds(page));
  // One marker per place: each counts the matching rows at its places (its name says so) and
  // is hidden when none match.
  const markers = await page.locator("#map a.marker[data-places]").evaluateAll((ms) => ms.map((m) => [Number(m.getAttribute("data-n")), getComputedStyle(m).display !== "none", m.getAttribute("aria-label") || ""]));
  const total = markers.reduce((sum, [n]) => sum + n, 0);
  const wrong = markers.filter(([n, on, label]) => (n > 0) !== on || !label.startsWith(`${n} event`));
  check(markers.length > 0 && wrong.length === 0 && total > 0 && markers.every(([n]) => n <= matched.size), `the map's markers count the matching rows (${total} in all, of ${matched.size} rows; ${wrong.length} of ${markers.length} markers wrong)`);
  const bars = await page.locator("#timeline-live rect.bar").evaluateAll((bs) => bs.map((b) => b.getAttribute("data-month")));
  const months = [...new Set(expect.filter.months)].sort();
  check(JSON.stringify(bars) === JSON.stringify(months), `the timeline draws the months of the matching rows (${bars.length}, expected ${months.length})`);
  await page.locator("#filters button[type=reset]").click();
  const month = expect.month;
  await page.locator(`#timeline-live rect.bar[data-month="${month.month}"]`).click();
  await page.waitForFunction((m) => location.hash.includes(`from=${m}-01`), month.month);
  const ids = await shownIds(page);
  check(ids.length === month.count, `a click on ${month.month} shows its ${month.count} rows (${ids.length})`);
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  await context.close();
}

/// Every map marker, activated, shows exactly the rows at its places, as many as it counts.
async function markersFilter() {
  const { context, page, errors } = await open({ viewport: { width: 1440, height: 2000 } });
  const markers = await page.locator("#map a.marker[data-places]").evaluateAll((ms) =>
    ms.map((m) => [m.getAttribute("href"), Number(m.getAttribute("data-n")), m.getAttribute("data-places").split(" ")]));
  check(markers.length > 0, `the map has ${markers.length} markers`);
  const wrong = [];
  for (const [href, n, places] of markers) {
    await page.locator(`#map a.marker[href="${href}"]`).click();
    await page.waitForFunction((h) => location.hash === h, href);
    const ids = await shownIds(page);
    if (ids.length !== n || ids.length === 0) wrong.push(`${href}: ${ids.length} rows, counted ${n}`);
    await page.locator("#filters button[type=reset]").click();
  }
  check(wrong.length === 0, `each of the ${markers.length} markers shows the rows it counts (${wrong.join("; ")})`);
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  await context.close();
}

/// Printed: the notes print, the controls do not.
async function printed() {
  const { context, page } = await open();
  await page.emulateMedia({ media: "print" });
  const notes = await page.locator("#events-table td.text").first().isVisible();
  check(notes, "the notes print");
  check(!(await page.locator("#filters").isVisible()), "the filters do not print");
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(sw <= iw, `the printed page is not wider than the paper (${sw} px, ${iw} px)`);
  await context.close();
}

/// The pictures of release format 6 link to the page's views: a map marker is
/// `<a class="marker" href="#places=ID1,ID2" data-places="ID1 ID2" data-n="N">` and a month of
/// the timeline a `<rect class="month" data-month="YYYY-MM">`. A hand-written marker and month
/// are added to the page: the marker counts the rows that match at its places (hidden at 0),
/// following it shows those rows, and a click on the month shows that month's rows.
async function contract(expect) {
  const m = expect.marker;
  const marker = `<svg role="group" data-bbox="42 37.5 51 42.5" viewBox="0 0 100 40" aria-label="Places"><a id="contract-marker" class="marker" href="#places=${m.places.join(",")}" data-places="${m.places.join(" ")}" data-n="0" aria-label="${m.label}"><circle cx="20" cy="20" r="15"></circle><text x="20" y="24">0</text></a></svg>`;
  const month = `<svg viewBox="0 0 100 20" role="img" aria-label="Months"><rect class="month" data-month="${expect.month.month}" x="0" y="0" width="100" height="20" fill="transparent"></rect></svg>`;
  const html = readFileSync(join(siteDir, "index.html"), "utf8")
    .replace('<figure id="fig-map"', `${marker}<figure id="fig-map"`)
    .replace('<figure id="fig-timeline"', `${month}<figure id="fig-timeline"`);
  const file = join(siteDir, "index-contract.html");
  writeFileSync(file, html);
  const { context, page, errors } = await open({}, pathToFileURL(resolve(file)).href);
  const a = page.locator("#contract-marker");
  check((await a.getAttribute("data-n")) === String(m.rows), `the marker counts ${await a.getAttribute("data-n")} rows, expected ${m.rows}`);
  check((await a.locator("text").textContent()) === String(m.rows), "the marker's label says the count");
  await page.locator(`#filters select[name="${expect.filter.col}"]`).selectOption(expect.filter.value);
  const n = await a.getAttribute("data-n");
  check(n === String(m.filtered), `filtered, the marker counts ${n} rows, expected ${m.filtered}`);
  check((await a.evaluate((e) => getComputedStyle(e).display === "none")) === (m.filtered === 0), "a marker of no matching row is hidden, others shown");
  await page.locator("#filters button[type=reset]").click();
  await a.click();
  await page.waitForFunction(() => location.hash.startsWith("#places="));
  const ids = await shownIds(page);
  check(ids.length === m.rows, `following the marker shows its ${m.rows} rows (${ids.length})`);
  await page.locator("#filters button[type=reset]").click();
  await page.locator(`rect.month[data-month="${expect.month.month}"]`).first().click();
  await page.waitForFunction(() => location.hash.includes("from="));
  const inMonth = await shownIds(page);
  check(inMonth.length === expect.month.count, `a click on the month ${expect.month.month} shows its ${expect.month.count} rows (${inMonth.length})`);
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  await context.close();
}
