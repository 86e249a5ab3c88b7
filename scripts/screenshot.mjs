// Takes the README's screenshot of the page (docs/screenshot.png): `node scripts/screenshot.mjs` after a build.
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { readArgs } from './cli.mjs';

readArgs('node scripts/screenshot.mjs', { usage: '', about: 'Takes the README\'s screenshot of the page (docs/screenshot.png), after a build.' });

const { server, url } = await serve({ port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1700 }, colorScheme: 'light' });
  await page.goto(url);
  await page.getByRole('region', { name: 'Generated' }).getByText('chai').first().waitFor();
  // from the matrix to the generated sample: the heart of Part A
  const table = await page.getByRole('table', { name: 'Smoothed bigram matrix' }).boundingBox();
  const generated = await page.getByRole('region', { name: 'Generated' }).boundingBox();
  const top = Math.max(0, table.y - 120);
  await page.screenshot({
    path: new URL('../docs/screenshot.png', import.meta.url).pathname,
    fullPage: true,
    clip: { x: 0, y: top, width: 1280, height: generated.y + generated.height + 24 - top },
  });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  server.close();
}
