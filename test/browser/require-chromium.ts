import { chromiumPath } from '../support/browser.js';

/** The browser suite never skips: without Chromium it fails and says how to get it. */
export default function requireChromium(): void {
  chromiumPath();
}
