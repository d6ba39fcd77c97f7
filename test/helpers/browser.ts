import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

/** Debian's Chromium, headless, with no network chatter (this machine has no network to chat with). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Collects what must not happen on a report page opened from `url`: console errors, uncaught
 * errors, dialogs (an injected alert; dismissed), and any request but the page itself (a report
 * must open with no network). The test expects the list to be empty when it is done.
 */
export function pageProblems(page: Page, url: string): string[] {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => r.url() !== url && problems.push(`request: ${r.url()}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  return problems;
}

/** Chromium with WebGL through SwiftShader, for tfjs's webgl backend; plain launchChromium where that fails. */
export async function launchChromiumWithWebgl(): Promise<Browser> {
  return chromium
    .launch({
      executablePath: CHROMIUM!,
      args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run', '--disable-background-networking'],
    })
    .catch(() => launchChromium());
}

/** A blank page running a bundle's code, and the uncaught errors it raises (the test expects none). */
export async function pageWithBundle(browser: Browser, code: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: code });
  return { page, errors };
}
