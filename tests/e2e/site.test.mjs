// End-to-end tests of the generated site in headless Chromium (Debian's), driven by playwright-core.
// Run by tests/e2e.rs, which generates the sites and passes their folders in the environment:
//   SITE        the site of tests/data/exp-3-h100
//   OTHER_BASELINE_SUMMARY  summary.json of the same data with the first other deployment as the baseline
//   SLO_SUMMARY  summary.json of the same data with --slo ttft=60ms,tpot=30ms
//   EVIL_SITE   a site whose deployment folder is named <img src=x onerror=alert(1)>
//   EMPTY_SITE  a site without data.js (the hosted, bring-your-own-data case)
//   BIG_SITE    optional: a site of 1M requests
//   CSV_DIR     a results folder whose CSV files the drop and file-picker tests open
//   MIXED_DIR   a results folder of every other tool's files (vLLM, SGLang, GuideLLM, inference-perf,
//               AIPerf, an llm-d report), one deployment per tool; MIXED_SUMMARY: gen-site's summary.json of it
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const SITE = process.env.SITE;
const summary = JSON.parse(fs.readFileSync(path.join(SITE, 'summary.json'), 'utf8'));
let browser;
let server;
let serverBase;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-quic', '--no-first-run', '--disable-sync'],
  });
  // A static host serving SITE under a sub-path, as GitHub Pages serves a project site.
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith('/repo/')) { res.writeHead(404); return res.end(); }
    let file = path.join(SITE, decodeURIComponent(url.pathname.slice('/repo/'.length)));
    if (file.endsWith(path.sep) || fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(SITE) || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css' };
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverBase = `http://127.0.0.1:${server.address().port}/repo/`;
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A new page that records console errors, page errors, dialogs and requests leaving `allowed`. */
async function open(url, { allowed, width = 1280, scale = 1 } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: scale });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(allowed ?? url.replace(/[^/]*$/, '')) && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`request outside the site: ${u}`);
  });
  await page.goto(url);
  return { page, problems };
}

const fileUrl = (dir, hash = '') => pathToFileURL(path.join(dir, 'index.html')).href + hash;

async function waitForCharts(page) {
  await page.waitForSelector('section.charts canvas', { timeout: 30000 });
  await page.waitForFunction(() => window.genSiteFirstChartMs !== undefined, null, { timeout: 30000 });
}

/** Per canvas: how many pixels are not white, and a fingerprint of the pixels. */
async function canvases(page) {
  return page.$$eval('section.charts canvas', (list) => list.map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0; let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) ink++;
      hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
    }
    return { name: c.getAttribute('aria-label'), ink, hash, pixels: c.width * c.height };
  }));
}

async function assertChartsDrawn(page) {
  const list = await canvases(page);
  assert.equal(list.length, 9, 'nine charts');
  // The SLO charts ask for an SLO until one is set (checked in the SLO test).
  for (const c of list.filter((c) => !c.name.startsWith('slo-'))) assert.ok(c.ink > c.pixels / 100, `canvas ${c.name} is (nearly) blank: ${c.ink} inked pixels`);
  return list;
}

/** Every value in the comparison tables equals that run's in a summary.json (`of`), and every change
 * has the interval and verdict of that summary.json's comparison. */
async function assertTableMatchesSummary(page, of = summary, atLeast = 100) {
  // The intervals are computed after the first charts.
  await page.waitForFunction(() => document.querySelector('section.tables') && !document.querySelector('section.tables .pending'), null, { timeout: 30000 });
  const cells = await page.$$eval('table.comparison td[data-value]', (tds) => tds.map((td) => ({
    scenario: td.closest('table').dataset.scenario,
    kind: td.closest('table').dataset.kind,
    level: td.closest('table').dataset.level === 'inf' ? null : Number(td.closest('table').dataset.level),
    deployment: td.closest('tr').dataset.deployment,
    quantity: td.dataset.quantity,
    value: Number(td.dataset.value),
    verdict: td.dataset.verdict,
    ci: td.dataset.ci,
  })));
  assert.ok(cells.length >= atLeast, `only ${cells.length} cells`);
  for (const cell of cells) {
    const where = `${cell.deployment} ${cell.scenario} ${cell.kind} ${cell.level} ${cell.quantity}`;
    const sameLoad = (r) => r.scenario === cell.scenario && r.load.kind === cell.kind && r.load.value === cell.level;
    const run = of.runs.find((r) => r.deployment === cell.deployment && sameLoad(r));
    assert.ok(run, `no run in summary.json for ${JSON.stringify(cell)}`);
    const expected = cell.quantity === 'requests' ? run.requests : cell.quantity.split('.').reduce((o, k) => o[k], run);
    assert.equal(cell.value, expected, where);
    if (cell.quantity === 'requests') continue;
    const comparison = of.comparisons.find((c) => c.deployment === cell.deployment && sameLoad(c));
    // `metrics.<metric>.<stat>` or `throughput.<rate>`.
    const [, metric, stat = null] = cell.quantity.split('.');
    const change = comparison?.changes.find((c) => c.metric === metric && (c.stat ?? null) === stat);
    assert.equal(cell.verdict, change?.verdict, `verdict of ${where}`);
    assert.deepEqual(cell.ci ? cell.ci.split(' ').map(Number) : null, change?.change_pct_ci ?? null, `interval of ${where}`);
  }
  return cells.length;
}

// How busy the machine was over the last minute, per core, at least 1: a limit that holds on an idle
// machine is scaled by it on a shared one.
const busy = () => Math.max(1, os.loadavg()[0] / os.cpus().length);

test('opened from disk: charts drawn, table equals summary.json, overview lists everything', async () => {
  const { page, problems } = await open(fileUrl(SITE));
  await waitForCharts(page);
  await assertChartsDrawn(page);
  assert.equal(await page.$('#static-report'), null, 'the report\'s plots stay once the viewer has drawn');
  assert.equal(await page.textContent('h1'), `Benchmark comparison: ${path.basename(process.env.REAL_DATA)}`);
  await assertTableMatchesSummary(page);
  const ids = await page.$$eval('.deployments tbody tr', (rows) => rows.map((r) => r.dataset.deployment));
  assert.deepEqual(ids, summary.deployments.map((d) => d.id));
  assert.match(await page.textContent('.overview .summary'), /3 deployments, 2 scenarios, 28174 requests in 70 runs/);
  // The report downloads as the Markdown the CLI writes.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-report]')]);
  assert.equal(download.suggestedFilename(), 'README.md');
  const markdown = fs.readFileSync(await download.path(), 'utf8');
  assert.match(markdown, /^# Benchmark comparison: /);
  assert.match(markdown, /\| Deployment \| Requests \| TTFT p50 \|/);
  // Another baseline: the tables follow at once (the intervals were prepared in the background), with
  // the intervals and verdicts a CLI run with that baseline computes.
  await page.waitForTimeout(1500);
  const other = summary.deployments.find((d) => d.id !== summary.baseline).id;
  const started = await page.evaluate(() => performance.now());
  await page.selectOption('select[data-control=baseline]', other);
  await page.waitForFunction((id) => document.querySelector('table.comparison tbody tr')?.dataset.deployment === id, other);
  const switched = (await page.evaluate(() => performance.now())) - started;
  console.log(`# exp-3-h100: baseline changed, tables updated after ${switched.toFixed(0)} ms`);
  assert.ok(switched < 1000, `baseline change took ${switched} ms`);
  await assertTableMatchesSummary(page, JSON.parse(fs.readFileSync(process.env.OTHER_BASELINE_SUMMARY, 'utf8')));
  assert.deepEqual(problems, []);
  await page.close();
});

/** Records, in `window.firstVisibleChart`, when a frame first holds a chart: an image or SVG over 100 pixels
 * wide drawn with more than ten shapes, or gen-site's first canvas. The same rule for every page measured. */
function recordFirstVisibleChart() {
  window.firstVisibleChart = null;
  const check = () => {
    const image = [...document.images].some((i) => i.complete && i.naturalWidth > 100);
    const svg = [...document.querySelectorAll('svg')].some((s) => s.getBoundingClientRect().width > 100 && s.querySelectorAll('path, rect, line, circle, polyline').length > 10);
    if (image || svg || window.genSiteFirstChartMs !== undefined) window.firstVisibleChart = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

test('the answer at once: key findings and the report\'s plots in the first frames, sooner than GuideLLM\'s report draws its charts; the viewer\'s own within 1 s', async () => {
  // The first chart drawn, and for this site the viewer's first chart too (then its charts have taken over).
  const firstChart = async (url, viewer) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(recordFirstVisibleChart);
    await page.goto(url);
    await page.waitForFunction(() => window.firstVisibleChart !== null, null, { timeout: 30000 });
    const ms = await page.evaluate(() => window.firstVisibleChart);
    if (viewer) {
      await waitForCharts(page);
      viewer.push(await page.evaluate(() => window.genSiteFirstChartMs));
    }
    await page.close();
    return ms;
  };
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const listed = (list) => `${median(list).toFixed(0)} ms (${list.map((v) => v.toFixed(0)).join(', ')})`;
  const ours = [];
  const viewer = [];
  const guidellm = [];
  for (let i = 0; i < 5; i++) {
    ours.push(await firstChart(fileUrl(SITE), viewer));
    guidellm.push(await firstChart(pathToFileURL(process.env.GUIDELLM_ANCHOR).href));
  }
  console.log(`# first chart from file://: exp-3-h100 ${listed(ours)}, GuideLLM 0.8.1's report ${listed(guidellm)}; the viewer's first chart ${listed(viewer)}`);
  assert.ok(median(ours) <= median(guidellm) * 1.25 + 20, `first chart after ${median(ours)} ms, GuideLLM's after ${median(guidellm)} ms`);
  // The viewer's own first chart within 1 s on an idle machine.
  assert.ok(median(viewer) < 1000 * busy(), `the viewer's first chart after ${listed(viewer)} (load per core ${busy().toFixed(1)})`);

  // Without JavaScript, the page still answers: the key findings and every plot.
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(fileUrl(process.env.SLO_SITE));
  const expected = JSON.parse(fs.readFileSync(process.env.SLO_SUMMARY, 'utf8'));
  assert.deepEqual(await page.$$eval('#static-report .findings li', (list) => list.map((li) => li.textContent)), expected.key_findings);
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 });
  const images = await page.$$eval('#static-report img', (list) => list.map((i) => [i.getAttribute('src'), i.naturalWidth]));
  assert.equal(images.length, 4);
  for (const [src, width] of images) assert.ok(width > 1000, `${src} not shown`);
  assert.match(await page.textContent('noscript'), /needs JavaScript/);
  await context.close();
});

test('served under a sub-path: same charts and values, nothing requested outside the site', async () => {
  const { page, problems } = await open(serverBase, { allowed: serverBase });
  await waitForCharts(page);
  await assertChartsDrawn(page);
  await assertTableMatchesSummary(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('hiding a deployment and changing the scenario change the charts; the view survives a reload', async () => {
  const { page, problems } = await open(fileUrl(SITE));
  await waitForCharts(page);
  const before = await canvases(page);
  const hidden = summary.deployments[1].id;
  await page.click(`input[type=checkbox][data-deployment="${hidden}"]`);
  await page.waitForFunction((id) => !document.querySelector(`table.comparison tr[data-deployment="${id}"]`), hidden);
  const afterHide = await canvases(page);
  for (const name of ['latency-distribution', 'qps-lines', 'throughput', 'cdf']) {
    assert.notEqual(afterHide.find((c) => c.name === name).hash, before.find((c) => c.name === name).hash, `${name} did not change`);
  }
  await page.selectOption('select[data-control=scenario]', 'short_input');
  await page.waitForFunction(() => document.querySelector('table.comparison')?.dataset.scenario === 'short_input');
  const afterScenario = await canvases(page);
  const boxes = (list) => list.find((c) => c.name === 'latency-distribution').hash;
  assert.notEqual(boxes(afterScenario), boxes(afterHide), 'scenario change did not redraw');
  await page.selectOption('select[data-control=metric]', 'tpot');
  await page.selectOption('select[data-control=stat]', 'p99');
  await page.selectOption('select[data-control=scale]', 'log');
  await page.selectOption('select[data-control=level]', '2.5');
  // A wider noise threshold turns changes beyond 5 % but within 20 % from better or worse into the same
  // or can't tell, at once.
  const verdicts = () => page.$$eval('table.comparison td[data-verdict]', (tds) => tds.map((td) => td.dataset.verdict).join());
  await page.waitForFunction(() => !document.querySelector('section.tables .pending'));
  const before5 = await verdicts();
  const started = Date.now();
  await page.selectOption('select[data-control=noise]', '20');
  await page.waitForFunction((old) => [...document.querySelectorAll('table.comparison td[data-verdict]')].map((td) => td.dataset.verdict).join() !== old, before5);
  console.log(`# noise threshold 5 % → 20 %: tables updated after ${Date.now() - started} ms`);
  assert.match(await page.textContent('.tables .legend'), /changes within ±20 % are noise/);
  await page.selectOption('select[data-control=confidence]', '99');
  const hash = await page.evaluate(() => location.hash);
  for (const part of ['scenario=short_input', 'metric=tpot', 'stat=p99', 'scale=log', 'level=2.5', 'hide=', 'noise=20', 'confidence=99']) assert.ok(hash.includes(part), `${part} not in ${hash}`);

  await page.reload();
  await waitForCharts(page);
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.equal(await page.$eval('select[data-control=scenario]', (s) => s.value), 'short_input');
  assert.equal(await page.$eval('select[data-control=metric]', (s) => s.value), 'tpot');
  assert.equal(await page.$eval('select[data-control=stat]', (s) => s.value), 'p99');
  assert.equal(await page.$eval('select[data-control=scale]', (s) => s.value), 'log');
  assert.equal(await page.$eval('select[data-control=level]', (s) => s.value), '2.5');
  assert.equal(await page.$eval('select[data-control=noise]', (s) => s.value), '20');
  assert.equal(await page.$eval('select[data-control=confidence]', (s) => s.value), '99');
  assert.equal(await page.$eval(`input[data-deployment="${hidden}"]`, (i) => i.checked), false);
  await assertChartsDrawn(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('service-level objectives: the page finds what the CLI finds; sliders recompute it, kept in the URL', async () => {
  const expected = JSON.parse(fs.readFileSync(process.env.SLO_SUMMARY, 'utf8'));
  const findings = (page) => page.$$eval('section.findings li', (items) => items.map((li) => li.textContent));
  const { page, problems } = await open(fileUrl(SITE, '#scenario=short_input'));
  await waitForCharts(page);
  await page.waitForFunction(() => document.querySelectorAll('section.findings li').length > 0);
  assert.match((await findings(page)).join('\n'), /Set service-level objectives/);
  await page.fill('input[data-slo=ttft]', '60');
  await page.dispatchEvent('input[data-slo=ttft]', 'change');
  await page.fill('input[data-slo=tpot]', '30');
  await page.dispatchEvent('input[data-slo=tpot]', 'change');
  await page.waitForFunction(() => [...document.querySelectorAll('section.findings li')].some((li) => li.textContent.includes('QPS [')));
  await page.waitForFunction(() => !document.querySelector('section.tables .pending'));
  assert.deepEqual(await findings(page), expected.key_findings);
  const hash = await page.evaluate(() => location.hash);
  assert.ok(hash.includes('slo_ttft=60') && hash.includes('slo_tpot=30'), hash);
  for (const name of ['slo-attainment', 'slo-goodput']) {
    const chart = (await canvases(page)).find((c) => c.name === name);
    assert.ok(chart.ink > chart.pixels / 100, `the ${name} chart is blank`);
  }
  // A looser TTFT bound on the slider: more load passes, the capacities change.
  const before = await findings(page);
  const slider = await page.$('input[data-slo-slider=ttft]');
  await slider.evaluate((s) => { window.genSiteSloMoved = performance.now(); s.value = String(Number(s.max) * 0.9); s.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction((old) => [...document.querySelectorAll('section.findings li')].map((li) => li.textContent).join() !== old, before.join(), { polling: 'raf' });
  // Attainment, goodput and capacity recomputed and shown, from the slider's move to the next frame.
  const recomputed = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now() - window.genSiteSloMoved))));
  console.log(`# exp-3-h100: SLO slider moved, capacities and charts updated after ${recomputed.toFixed(0)} ms`);
  assert.ok(recomputed < 1000, `the SLO took ${recomputed} ms to recompute`);
  const moved = await page.evaluate(() => location.hash);
  assert.ok(!moved.includes('slo_ttft=60&'), moved);
  await page.reload();
  await waitForCharts(page);
  assert.equal(await page.evaluate(() => location.hash), moved);
  assert.notEqual(await page.$eval('input[data-slo=ttft]', (i) => i.value), '60');
  assert.deepEqual(problems, []);
  await page.close();
});

/** The tooltip's text where `chart` drew deployment 0's colour (its line and points), hovered pixel by pixel. */
async function tooltipOf(page, chart) {
  const canvas = await page.$(`canvas[aria-label="${chart}"]`);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const spots = await canvas.evaluate((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const out = [];
    for (let i = 0; i < data.length; i += 4 * 7) {
      if (data[i] === 78 && data[i + 1] === 121 && data[i + 2] === 167) out.push([(i / 4) % c.width, Math.floor(i / 4 / c.width)]);
    }
    return out;
  });
  assert.ok(spots.length > 10, `deployment 0 is not drawn on ${chart}`);
  for (const [x, y] of spots.filter((_, i) => i % Math.ceil(spots.length / 200) === 0)) {
    await page.mouse.move(box.x + x, box.y + y);
    const text = await page.$eval(`figure[data-chart="${chart}"]`, (f) => f.querySelector('.tooltip')?.textContent ?? null);
    if (text) return text;
  }
  assert.fail(`no tooltip anywhere on ${chart}`);
}

test('hovering a chart shows the exact value and the deployment', async () => {
  const { page, problems } = await open(fileUrl(SITE));
  await waitForCharts(page);
  const text = await tooltipOf(page, 'qps-lines');
  assert.ok(summary.deployments.some((d) => text.includes(d.label)), `tooltip without a deployment: ${text}`);
  assert.match(text, /QPS: TTFT p50 [0-9.]+ (ms|s)/);
  // The trade-off curve: the same statistic, with the throughput the run achieved.
  const tradeoff = await tooltipOf(page, 'tradeoff');
  assert.match(tradeoff, /QPS: TTFT p50 [0-9.]+ (ms|s).*, Output tokens\/s [0-9.]+ tokens\/s/);
  const [, label, qps] = tradeoff.match(/^(.+) at ([0-9.]+) QPS:/);
  const achieved = Number(tradeoff.match(/Output tokens\/s ([0-9.]+) tokens\/s/)[1]);
  const runs = summary.runs.filter((r) => summary.deployments.find((d) => d.id === r.deployment).label === label && r.load.value === Number(qps));
  assert.ok(runs.some((r) => Math.abs(achieved / r.throughput.output_tokens_per_s - 1) < 1e-4), `${achieved} tokens/s is no run's of ${label} at QPS ${qps}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a folder named like HTML shows as text and runs nothing', async () => {
  const { page, problems } = await open(fileUrl(process.env.EVIL_SITE));
  await waitForCharts(page);
  assert.equal(await page.$$eval('img', (list) => list.length), 0);
  assert.ok((await page.textContent('body')).includes('<img src=x onerror=alert(1)>'));
  assert.equal(await page.title(), 'Benchmark comparison: evil');
  assert.deepEqual(problems, []);
  await page.close();
});

const csvFiles = () => {
  const dir = process.env.CSV_DIR;
  const out = [];
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.csv')) out.push(path.join(d, e.name));
    }
  })(dir);
  return out.sort();
};

/** Problems but the one a site without data.js must have: the browser's message about the missing file. */
const unexpected = (problems) => problems.filter((p) => p !== 'console: Failed to load resource: net::ERR_FILE_NOT_FOUND');

test('without data the page invites a drop; dropped CSV files render', async () => {
  const { page, problems } = await open(fileUrl(process.env.EMPTY_SITE));
  await page.waitForSelector('section.empty');
  const files = csvFiles().filter((f) => f.includes('standalone')).map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
  assert.ok(files.length >= 2);
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const f of files) transfer.items.add(new File([f.text], f.name, { type: 'text/csv' }));
    const target = document.querySelector('.page');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
  await waitForCharts(page);
  await assertChartsDrawn(page);
  assert.match(await page.textContent('h1'), /opened files/);
  assert.match(await page.textContent('.overview .summary'), new RegExp(`in ${files.length} runs`));
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('a folder dropped on the page opened from disk renders, folders as deployments', async () => {
  const { page, problems } = await open(fileUrl(process.env.EMPTY_SITE));
  await page.waitForSelector('section.empty');
  // A real drag from the file system, as the operating system would send it, through the DevTools protocol.
  const client = await page.context().newCDPSession(page);
  const data = { items: [], files: [process.env.CSV_DIR], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) await client.send('Input.dispatchDragEvent', { type, x: 200, y: 200, data });
  await waitForCharts(page);
  await assertChartsDrawn(page);
  assert.equal(await page.textContent('h1'), `Benchmark comparison: ${path.basename(process.env.CSV_DIR)}`);
  assert.equal(await page.title(), `Benchmark comparison: ${path.basename(process.env.CSV_DIR)}`);
  const ids = await page.$$eval('.deployments tbody tr', (rows) => rows.map((r) => r.dataset.deployment));
  assert.deepEqual(ids, ['llm-d/llm-d-llama-3b', 'standalone/standalone-vllm-llama-3b']);
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('a dropped folder of every tool\'s files shows the numbers gen-site computes from them', async () => {
  const expected = JSON.parse(fs.readFileSync(process.env.MIXED_SUMMARY, 'utf8'));
  const { page, problems } = await open(fileUrl(process.env.EMPTY_SITE));
  await page.waitForSelector('section.empty');
  const client = await page.context().newCDPSession(page);
  const data = { items: [], files: [process.env.MIXED_DIR], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) await client.send('Input.dispatchDragEvent', { type, x: 200, y: 200, data });
  await waitForCharts(page);
  const ids = await page.$$eval('.deployments tbody tr', (rows) => rows.map((r) => r.dataset.deployment));
  assert.deepEqual(ids, expected.deployments.map((d) => d.id));
  // Every scenario and load the CLI compared, with the CLI's numbers, in the page's tables.
  const sweeps = await page.$$eval('select[data-control=scenario] option', (options) => options.map((o) => o.value));
  let tables = 0;
  let cells = 0;
  let changes = 0;
  for (const sweep of sweeps) {
    await page.selectOption('select[data-control=scenario]', sweep);
    await page.waitForFunction((scenario) => document.querySelector('table.comparison')?.dataset.scenario === scenario, sweep.split('@')[0]);
    tables += await page.$$eval('table.comparison', (list) => list.length);
    cells += await assertTableMatchesSummary(page, expected, 1);
    changes += await page.$$eval('table.comparison td[data-verdict]', (list) => list.length);
  }
  assert.ok(changes > 0, 'no change against the baseline shown');
  const loads = new Set(expected.runs.map((r) => `${r.scenario}@${r.load.kind}@${r.load.value}`));
  assert.equal(tables, loads.size, 'one table per scenario and load');
  assert.ok(cells >= expected.runs.length * 4, `only ${cells} cells for ${expected.runs.length} runs`);
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('values at the edges of f64: every metric, statistic and scale draws, numbers read as numbers, the page stays responsive', async () => {
  const { page, problems } = await open(fileUrl(process.env.EXTREME_SITE));
  await waitForCharts(page);
  const options = async (control) => page.$$eval(`select[data-control=${control}] option`, (list) => list.map((o) => o.value));
  for (const scale of await options('scale')) {
    await page.selectOption('select[data-control=scale]', scale);
    for (const metric of await options('metric')) {
      await page.selectOption('select[data-control=metric]', metric);
      for (const stat of await options('stat')) {
        await page.selectOption('select[data-control=stat]', stat);
        // The page answers at once after each change: no chart loops on an infinite axis.
        const started = Date.now();
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
        const took = Date.now() - started;
        assert.ok(took < 2000, `${metric} ${stat} ${scale}: the page took ${took} ms to answer`);
        // Every canvas holds a chart, or a message saying why there is none for this choice.
        for (const c of await canvases(page)) assert.ok(c.ink > 200, `${metric} ${stat} ${scale}: canvas ${c.name} is blank`);
      }
    }
  }
  await page.waitForFunction(() => document.querySelector('section.tables') && !document.querySelector('section.tables .pending'), null, { timeout: 30000 });
  const shown = await page.$$eval('section.tables, section.findings, .overview', (list) => list.map((e) => e.textContent).join(' '));
  for (const word of shown.split(/[^A-Za-z0-9]+/)) assert.ok(!['NaN', 'inf', 'Infinity', 'undefined'].includes(word), `the page shows \`${word}\``);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a 200 MB file of one line: passed over with a clear message, the rest analysed', async () => {
  const { page, problems } = await open(fileUrl(process.env.EMPTY_SITE));
  await page.waitForSelector('section.empty');
  await page.setInputFiles('input[data-testid=open-folder]', process.env.HUGE_DIR);
  await waitForCharts(page);
  await assertChartsDrawn(page);
  const warnings = await page.$$eval('.warnings li', (list) => list.map((li) => li.textContent));
  assert.ok(warnings.some((w) => w.startsWith('huge/LMBench_long_input_0.5.csv') && w.includes('longer than 1 MiB')), warnings.join('\n'));
  assert.ok(warnings.every((w) => w.length < 400), 'a warning quotes the line');
  const ids = await page.$$eval('.deployments tbody tr', (rows) => rows.map((r) => r.dataset.deployment));
  assert.deepEqual(ids, ['standalone/standalone-vllm-llama-3b']);
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('the file pickers open CSV files and folders too', async () => {
  const { page, problems } = await open(fileUrl(process.env.EMPTY_SITE));
  await page.waitForSelector('section.empty');
  await page.setInputFiles('input[data-testid=open-files]', csvFiles());
  await waitForCharts(page);
  await assertChartsDrawn(page);
  assert.match(await page.textContent('h1'), /opened files/);
  await page.setInputFiles('input[data-testid=open-folder]', process.env.CSV_DIR);
  await page.waitForFunction((title) => document.querySelector('h1').textContent.endsWith(title), path.basename(process.env.CSV_DIR));
  const ids = await page.$$eval('.deployments tbody tr', (rows) => rows.map((r) => r.dataset.deployment));
  assert.deepEqual(ids, ['llm-d/llm-d-llama-3b', 'standalone/standalone-vllm-llama-3b']);
  assert.deepEqual(unexpected(problems), []);
  await page.close();
});

test('sharp on high-density screens: a canvas pixel per device pixel, laid out as on any screen', async () => {
  const { page, problems } = await open(fileUrl(SITE), { scale: 2 });
  await waitForCharts(page);
  const sizes = await page.$$eval('section.charts canvas', (list) => list.map((c) => [c.width, c.height, c.clientWidth, c.clientHeight]));
  for (const [w, h, cssW, cssH] of sizes) assert.ok(w === 2 * cssW && h === 2 * cssH, `canvas ${w}x${h} for ${cssW}x${cssH} CSS pixels`);
  await assertChartsDrawn(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('readable at phone width: nothing wider than the screen', async () => {
  const { page, problems } = await open(fileUrl(SITE), { width: 390 });
  await waitForCharts(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
  const widths = await page.$$eval('section.charts canvas', (list) => list.map((c) => c.width));
  assert.ok(widths.every((w) => w >= 280 && w <= 390), `canvas widths ${widths}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('1M requests: the report\'s plots within 1 s, progress shown, page responsive, the viewer\'s first chart within 5 s', { skip: !process.env.BIG_SITE }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.addInitScript(() => {
    window.genSiteLongestTask = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.genSiteLongestTask = Math.max(window.genSiteLongestTask, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.addInitScript(recordFirstVisibleChart);
  await page.goto(fileUrl(process.env.BIG_SITE));
  await page.waitForSelector('section.loading progress', { timeout: 10000 });
  await waitForCharts(page);
  const firstChart = await page.evaluate(() => window.genSiteFirstChartMs);
  const longest = await page.evaluate(() => window.genSiteLongestTask);
  const firstVisible = await page.evaluate(() => window.firstVisibleChart);
  console.log(`# 1M requests: the report's plots after ${firstVisible.toFixed(0)} ms, the viewer's first chart ${firstChart.toFixed(0)} ms after navigation, longest task ${longest.toFixed(0)} ms`);
  // 5 s on an idle machine.
  assert.ok(firstChart < 5000 * busy(), `first chart after ${firstChart} ms (load per core ${busy().toFixed(1)})`);
  assert.ok(firstVisible < 1000 * busy(), `the report's plots after ${firstVisible} ms (load per core ${busy().toFixed(1)})`);
  // Issue 10: no task over 200 ms on an idle machine (about 130 ms now).
  assert.ok(longest < 200 * busy(), `the page froze for ${longest} ms (load per core ${busy().toFixed(1)})`);
  assert.match(await page.textContent('.overview .summary'), /1000000 requests/);
  assert.deepEqual(problems, []);
  await page.close();
});
