import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { Builder, By, Capabilities } from 'selenium-webdriver';
import { startHostProxy, type HostProxy } from './host-proxy.js';
import { PAGE_ERRORS, pollUntil, type EngineOptions, type EnginePage } from './engine.js';

const DRIVER = process.env.VOICEWIRE_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.VOICEWIRE_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** WebKitWebDriver and MiniBrowser (Debian's webkit2gtk-driver) and xvfb-run (xvfb, xauth); throws how to get them. */
export function webkitPaths(): { driver: string; miniBrowser: string } {
  for (const [path, pkg] of [[DRIVER, 'webkit2gtk-driver'], [MINIBROWSER, 'webkit2gtk-driver'], ['/usr/bin/xvfb-run', 'xvfb xauth']]) {
    if (!existsSync(path)) throw new Error(`${path} not found. The WebKit browser tests need it: \`sudo apt-get install -y ${pkg}\`.`);
  }
  return { driver: DRIVER, miniBrowser: MINIBROWSER };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * WebKitGTK, the Safari engine (not Safari): WebKitWebDriver starts MiniBrowser, which has no headless mode, under
 * `xvfb-run -a`; selenium-webdriver speaks plain W3C WebDriver to it. There is no console or error event over
 * classic WebDriver: errors come from the page's own recorder (fixtures/page-errors.js). WebKitGTK has no autoplay
 * gate for Web Audio that a flag can turn on, so `autoplay: false` changes nothing here (docs/browser-engines.md).
 */
export async function launchWebkitEngine(options: EngineOptions = {}): Promise<EnginePage> {
  const { driver: driverPath, miniBrowser } = webkitPaths();
  const port = await freePort();
  // Its own process group, so close() ends xvfb-run, Xvfb, the driver and MiniBrowser together.
  const child = spawn('xvfb-run', ['-a', driverPath, `--port=${port}`, '--host=127.0.0.1'], { detached: true, stdio: 'ignore' });
  const killAll = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  let proxy: HostProxy | null = null;
  try {
    const mic = options.microphone ?? 'fake';
    const args = ['--automation', '--enable-media-stream=true', '--enable-webaudio=true', `--enable-mock-capture-devices=${mic !== 'absent'}`];
    if (options.mapHosts?.length) {
      proxy = await startHostProxy(options.mapHosts);
      args.push(`--proxy=${proxy.url}`);
    }
    args.push(...(options.extra?.webkitArgs ?? []));
    const caps = new Capabilities({
      browserName: 'MiniBrowser',
      acceptInsecureCerts: options.acceptInsecureCerts === true,
      'webkitgtk:browserOptions': { binary: miniBrowser, args },
    });
    const driver = await connectWhenReady(`http://127.0.0.1:${port}`, caps);
    const evaluate = <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => driver.executeScript(`return (${fn.toString()})(arguments[0]);`, arg ?? null) as Promise<R>;
    return {
      engine: 'webkit',
      goto: async (url) => {
        await driver.get(url);
      },
      evaluate,
      click: async (selector) => {
        await (await driver.findElement(By.css(selector))).click();
      },
      waitFor: (fn, arg, o = {}) => pollUntil(() => evaluate(fn, arg), o.timeoutMs ?? 20_000, o.what ?? fn.toString()),
      errors: () => evaluate(PAGE_ERRORS).catch(() => []),
      close: async () => {
        await driver.quit().catch(() => undefined);
        await proxy?.close();
        killAll();
      },
    };
  } catch (e) {
    await proxy?.close();
    killAll();
    throw e;
  }
}

/** The driver needs a moment to listen (Xvfb starts first). */
async function connectWhenReady(server: string, caps: Capabilities) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await new Builder().usingServer(server).withCapabilities(caps).build();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start at ${server}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
