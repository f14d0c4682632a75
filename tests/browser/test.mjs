// Drives the dataset's page in headless Chromium (Debian's, through playwright-core).
//
//   node test.mjs check SITE_DIR EXPECT_JSON SCREENSHOT_PNG
//   node test.mjs tti SITE_DIR
//
// `check` opens SITE_DIR/index.html from file:// and compares what it sees with EXPECT_JSON,
// which tests/browser.rs computes from the CSV files: rows, a filter's count, a search's count,
// one event's citation, the map's markers. Any console error or any request that is not a
// file:// URL fails. `tti` prints the time to interactive. Exit 0 when every check passes;
// otherwise the failures are printed and the exit code is 1.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";

const [mode, siteDir, ...rest] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const url = pathToFileURL(resolve(join(siteDir, "index.html"))).href;
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  if (mode === "check") await checks(JSON.parse(readFileSync(rest[0], "utf8")), rest[1]);
  else if (mode === "tti") await tti();
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}

/// A page that records console errors and refuses (and records) every non-file request.
async function open(context) {
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file:")) return route.continue();
    requests.push(u);
    return route.abort();
  });
  return { page, errors, requests };
}

async function visibleRows(page) {
  return page.locator("#events-table tbody tr:not([hidden])").count();
}

async function checks(expect, screenshot) {
  // Without JavaScript: the table is there, whole, and the filters (which need the script) are not.
  {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const { page } = await open(context);
    await page.goto(url);
    // The whole table is inside <noscript> (release format 4 on), which the browser reads
    // when scripts are off.
    const rows = await page.locator("#events-table-all tbody tr").count();
    check(rows === expect.rows, `without JavaScript: ${rows} table rows, expected ${expect.rows}`);
    check(!(await page.locator("#events-table").isVisible()), "without JavaScript: the script's table is hidden");
    // The permalink scrolls to its row.
    await page.goto(`${url}#${expect.event.id}`);
    const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, expect.event.id);
    check(Math.abs(top) < 8, `without JavaScript: the permalink scrolls to its row (top at ${top})`);
    check(!(await page.locator("#filters").isVisible()), "without JavaScript: the filters are hidden");
    await context.close();
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const { page, errors, requests } = await open(context);
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]");

  // The script lays out a page of rows at a time: show them all, then count.
  while (await page.locator("#more").isVisible()) await page.locator("#more").click();
  const rows = await page.locator("#events-table tbody tr").count();
  check(rows === expect.rows, `one table row per event: ${rows}, expected ${expect.rows}`);
  const count = await page.locator("#count").textContent();
  check(count.startsWith(`${expect.rows} of ${expect.rows}`), `the count says "${count}"`);

  // Filter by type, from the keyboard: focus the select and choose the value.
  const select = page.locator(`#filters select[name="${expect.filter.col}"]`);
  await select.focus();
  await select.selectOption(expect.filter.value);
  let n = await visibleRows(page);
  check(n === expect.filter.count, `filter ${expect.filter.value}: ${n} rows, expected ${expect.filter.count}`);
  check((await page.locator("#count").textContent()).startsWith(`${n} of `), "the count follows the filter");
  await page.locator("#filters button[type=reset]").click();
  await page.waitForFunction((r) => document.querySelectorAll("#events-table tbody tr:not([hidden])").length === r, expect.rows);

  // Search a word in the notes.
  await page.locator("#search").fill(expect.search.word);
  n = await visibleRows(page);
  check(n === expect.search.count, `search "${expect.search.word}": ${n} rows, expected ${expect.search.count}`);
  await page.locator("#search").fill("");

  // Sort by a numeric column (descending), from the keyboard.
  const th = page.locator(`#events-table th[data-name="${expect.sort.col}"] button`);
  await th.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  const first = await page.locator("#events-table tbody tr").first().getAttribute("id");
  check(first === expect.sort.first, `sorted by ${expect.sort.col} descending, first row ${first}, expected ${expect.sort.first}`);

  // The map: one marker per geocoded event.
  const markers = await page.locator("#map .event[data-id]").count();
  check(markers === expect.geocoded, `map markers: ${markers}, expected ${expect.geocoded}`);

  // Open an event from the table: its record and its citation.
  await page.locator(`#events-table a[href="#${expect.event.id}"]`).click();
  await page.waitForSelector("#detail[open]");
  const detail = await page.locator("#detail").textContent();
  check(detail.includes(expect.event.citation), `the event's record shows its citation "${expect.event.citation}"`);
  for (const s of expect.event.shows) check(detail.includes(s), `the event's record shows "${s}"`);
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-event.png") });
  await page.keyboard.press("Escape");
  check(!(await page.locator("#detail").evaluate((d) => d.open)), "Escape closes the record");

  // The permalink opens the record on load; a marker opens its own.
  const permalink = await context.newPage();
  permalink.on("pageerror", (e) => errors.push(String(e)));
  await permalink.goto(`${url}#${expect.event.id}`);
  await permalink.waitForSelector("#detail[open]");
  check((await permalink.locator("#detail-title").textContent()) === expect.event.id, "the permalink opens its event");
  await permalink.close();
  if (markers > 0) {
    const m = page.locator("#map .event[data-id]").first();
    const id = await m.getAttribute("data-id");
    await m.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector("#detail[open]");
    check((await page.locator("#detail-title").textContent()) === id, `the marker of ${id} opens its record`);
    await page.keyboard.press("Escape");
    // A hollow marker (precision 3) answers a click inside its ring, not only on the ring.
    const hollow = await page.evaluate(() => {
      for (const c of document.querySelectorAll('#map circle.event[fill="none"]')) {
        c.scrollIntoView({ block: "center" });
        const b = c.getBoundingClientRect();
        if (b.width >= 8 && document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2) === c) {
          return c.getAttribute("data-id");
        }
      }
      return document.querySelector('#map circle.event[fill="none"]') ? "" : null;
    });
    if (hollow !== null) {
      check(hollow !== "", "a hollow marker answers a click at its centre");
      if (hollow) {
        await page.locator(`#map circle.event[data-id="${hollow}"]`).click();
        await page.waitForSelector("#detail[open]");
        check((await page.locator("#detail-title").textContent()) === hollow, `a click inside the hollow marker of ${hollow} opens its record`);
        await page.keyboard.press("Escape");
      }
    }
  }

  // The top of the page (about, citation, downloads, figures, timeline, map) for people to look at.
  await page.setViewportSize({ width: 1280, height: 3200 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
  check(requests.length === 0, `no network requests (${requests.join(" ")})`);
}

/// The script lays out 200 rows at a time; "Show more rows" adds the next 200, sorting keeps
/// them, and the permalink of the last row (not laid out) still opens its record.
async function paging(page) {
  const data = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById("data").textContent);
    // From release format 6 the rows are packed by column; the key's column (unique values)
    // is a plain array of its cells.
    const keys = d.rows ? d.rows.map((r) => r[d.key]) : d.packed.columns[d.key];
    return { n: keys.length, last: keys.length ? keys[keys.length - 1] : null };
  });
  const laid = () => page.locator("#events-table tbody tr").count();
  let n = await laid();
  check(n === Math.min(data.n, 200), `the first page lays out ${n} of ${data.n} rows`);
  if (data.n > 200) {
    await page.locator("#more").click();
    n = await laid();
    check(n === Math.min(data.n, 400), `"Show more rows" lays out ${n} rows`);
    await page.locator("#events-table th[data-col] button").first().click();
    n = await laid();
    check(n === Math.min(data.n, 400), `sorting keeps the ${n} rows shown`);
  }
  if (data.last !== null) {
    await page.evaluate((id) => { location.hash = id; }, data.last);
    await page.waitForSelector("#detail[open]");
    const title = await page.locator("#detail-title").textContent();
    check(title === data.last, `the permalink of the last row opens it (${title})`);
    await page.keyboard.press("Escape");
  }
}

async function tti() {
  // Three fresh loads; the median is printed (the machine may be busy with other work).
  const runs = [];
  let rows = 0;
  for (let k = 0; k < 3; k++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const { page, errors, requests } = await open(context);
    const t0 = Date.now();
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForSelector("html[data-ready=true]", { timeout: 60000 });
    const wall = Date.now() - t0;
    // The script runs at the end of the body and marks the page ready: DOMContentLoaded
    // ends right after it.
    const dcl = await page.evaluate(() => performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd);
    const count = await page.locator("#count").textContent();
    rows = Number(count.split(" ")[0]);
    // One filter change, start to the next frame.
    const filter = await page.evaluate(async () => {
      const s = document.querySelector("#filters select");
      const t = performance.now();
      s.selectedIndex = 1;
      s.dispatchEvent(new Event("change"));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    });
    runs.push({ wall, dcl: Math.round(dcl), filter: Math.round(filter) });
    check(errors.length === 0, `no console errors (${errors.join(" | ")})`);
    check(requests.length === 0, `no network requests (${requests.join(" ")})`);
    await context.close();
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const { page, errors } = await open(context);
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]");
  await paging(page);
  check(errors.length === 0, `no console errors while paging (${errors.join(" | ")})`);
  await context.close();
  const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
  console.log(`runs: ${runs.map((r) => `${r.wall} ms`).join(", ")}`);
  console.log(`time to interactive: ${median("wall")} ms median of 3 (${rows} rows; DOMContentLoaded ${median("dcl")} ms; one filter ${median("filter")} ms)`);
}
