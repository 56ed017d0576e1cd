import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

// Debian's Chromium for every browser test (never a browser a tool downloads), headless, with
// nothing that phones home: without the background-networking flags its connections are refused
// by the closed network, many at a time.
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium with a fresh profile in the OS temp dir (named by `profilePrefix`), removed
 * when the context closes, so no test leaves profiles behind or shares one with another.
 */
export async function launchChromium(
  profilePrefix: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), profilePrefix));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      ...(options.viewport === undefined ? {} : { viewport: options.viewport }),
    });
    // After the browser has exited: removing the profile on the context's 'close' event raced
    // Chromium's last writes, which recreated it.
    const close = context.close.bind(context);
    context.close = async (options) => {
      try {
        await close(options);
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    };
    return context;
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
