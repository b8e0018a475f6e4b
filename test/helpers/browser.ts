import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium package: a test tool that downloads its own browser cannot work here. */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Where the browser tests write their screenshots (gitignored; README.md names it). */
export const SCREENSHOTS = new URL('../.work/screenshots/', import.meta.url);

export interface Browser {
  context: BrowserContext;
  /** A new tab with generous, bounded waits (a loaded 2-core machine is slow, never hung). */
  page(width?: number, height?: number): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Headless chromium with an empty user-data dir of its own, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'previewd-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000, viewport: { width: 1280, height: 800 },
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    context,
    async page(width = 1280, height = 800) {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.setDefaultNavigationTimeout(30_000);
      await page.setViewportSize({ width, height });
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true, timeout: 30_000 });
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
