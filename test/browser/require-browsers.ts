import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from '../support/browser.js';
import { firefoxPath } from '../support/engines/firefox.js';
import { webkitPaths } from '../support/engines/webkit.js';

/**
 * The browser suite never skips: without an engine it fails and says how to get it. Firefox and WebKitGTK run
 * their AudioContexts only with a sound server (without one, Firefox's stays `suspended` forever): PulseAudio with
 * a null sink is started here unless one already runs. Chromium is kept away from it (engines/chromium.ts).
 */
export default function requireBrowsers(): void {
  chromiumPath();
  firefoxPath();
  webkitPaths();
  for (const tool of ['/usr/bin/pulseaudio', '/usr/bin/pactl']) {
    if (!existsSync(tool)) throw new Error(`${tool} not found: Firefox and WebKit need a sound server. \`sudo apt-get install -y pulseaudio\`.`);
  }
  if (spawnSync('pulseaudio', ['--check']).status !== 0) {
    execFileSync('pulseaudio', ['-D', '--exit-idle-time=-1'], { stdio: 'ignore' });
  }
  const sinks = execFileSync('pactl', ['list', 'short', 'sinks'], { encoding: 'utf8' });
  if (!/\bnull\b/.test(sinks)) execFileSync('pactl', ['load-module', 'module-null-sink', 'sink_name=null'], { stdio: 'ignore' });
}
