// The release format 6 pictures on the dataset's page, in headless Chromium (Debian's,
// through playwright-core), checked by tests/it/pictures6.rs:
//
//   node pictures6.mjs SITE_DIR SCREENSHOT_PNG
//
// SITE_DIR is a format 6 page. axe-core finds no `nested-interactive` (a focusable element
// inside an element whose role forbids it: the map's markers are links, so its <svg> is a
// group, not an image), the page loads without a console error, every map marker is a link a
// keyboard reaches, and the map is saved as a PNG (its <figure>) to SCREENSHOT_PNG. Prints
// every violation axe-core finds; exit 0 when every check passes, 1 otherwise.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { pathToFileURL, fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

const [site, screenshot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const axePath = join(dirname(fileURLToPath(import.meta.url)), "node_modules/axe-core/axe.min.js");
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(join(site, "index.html"))).href);
  await page.waitForLoadState("load");
  check(errors.length === 0, `no console error (${errors.join("; ")})`);
  const markers = page.locator("#fig-map svg a.marker");
  const n = await markers.count();
  check(n > 0, `the map has ${n} markers`);
  const focusable = await page.evaluate(() =>
    [...document.querySelectorAll("#fig-map svg a.marker")].every((a) => { a.focus(); return document.activeElement === a; }),
  );
  check(focusable, "every marker takes the keyboard's focus");
  await page.addScriptTag({ content: readFileSync(axePath, "utf8") });
  const found = await page.evaluate(async () =>
    (await window.axe.run(document)).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
  );
  console.log(`axe-core: ${JSON.stringify(found)}`);
  check(!found.some((v) => v.id === "nested-interactive"), "axe-core finds no nested-interactive");
  const inPictures = await page.evaluate(async () =>
    (await window.axe.run({ include: [["#fig-map"], ["#fig-timeline"]] })).violations.map((v) => v.id),
  );
  console.log(`axe-core on the pictures: ${JSON.stringify(inPictures)}`);
  check(inPictures.length === 0, `axe-core finds nothing in the pictures (${inPictures.join(", ")})`);
  await page.locator("#fig-map").screenshot({ path: screenshot });
  await context.close();
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
