// Screenshots of report pages in headless Chromium, with a hover value shown: how a developer looks at
// every page a change touches before calling it done (the guide's rule), reproducibly.
//
//   npm install --prefix .cache/npm playwright-core@1.64.1      # once; Debian's chromium is the browser
//   node dev/screenshots.mjs OUT_DIR page.html [page.html ...]
//
// For each page: OUT_DIR/<name>.png (the whole page at 1100 px wide), and for its first figures with hover
// targets OUT_DIR/<name>-hover-<k>.png: the pointer on a target in the middle of figure k, the label the
// page's own script shows, cropped to the figure. Prints each hover label's text, so a run shows what a
// reader sees under the pointer. Nothing is fetched: pages are opened as files.
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const require = createRequire(resolve('.cache/npm/node_modules') + '/');
const { chromium } = require('playwright-core');
const [out, ...pages] = process.argv.slice(2);
if (!out || pages.length === 0) {
  console.error('usage: node dev/screenshots.mjs OUT_DIR page.html [page.html ...]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
const MAX_HOVER_FIGURES = 3;
for (const file of pages) {
  const name = basename(resolve(file, '..')) + '-' + basename(file, '.html');
  await page.goto(pathToFileURL(resolve(file)).href);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
  const figures = await page.$$('figure:has(g.hover)');
  console.log(`${file}: ${figures.length} figure(s) with hover values -> ${out}/${name}.png`);
  for (let k = 0; k < Math.min(figures.length, MAX_HOVER_FIGURES); k++) {
    const targets = await figures[k].$$('g.hover > *');
    const target = targets[Math.floor(targets.length / 2)];
    await target.scrollIntoViewIfNeeded();
    await target.hover({ force: true });
    const tip = await page.$('.hovertip');
    const text = tip ? await tip.textContent() : null;
    const visible = tip ? await tip.isVisible() : false;
    const shot = `${out}/${name}-hover-${k + 1}.png`;
    // the figure in page coordinates: an element screenshot would scroll, and the pointer would leave the target
    const clip = await figures[k].evaluate((f) => {
      const r = f.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
    });
    await page.screenshot({ path: shot, fullPage: true, clip });
    console.log(`  figure ${k + 1} (${targets.length} targets): label ${visible ? 'shown' : 'NOT SHOWN'}: "${text}" -> ${shot}`);
  }
}
await browser.close();
