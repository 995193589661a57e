// End-to-end: the demo page in a real headless Chromium, against the packaged Relay (dev profile,
// memory engine), started and restarted by this script. Exits 0 when every scenario passed.
//   node clients/js/e2e/demo.mjs [screenshot.png]      (from the project root, after ./mvnw package)
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { devToken, freePort, publish, scenarios, startRelay, stopRelay } from './relay-process.mjs';

const screenshot = process.argv[2] ?? 'target/e2e/demo.png';
const timeout = 20000;
const version = /<version>([^<]+)<\/version>/.exec(readFileSync('pom.xml', 'utf8'))[1];

/** Logs in on a fresh page and waits until it is connected over `transport`; returns the page. */
async function openDemo(browser, port, user, transport) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`http://127.0.0.1:${port}/demo/login?user=${user}`);
  await page.waitForSelector('#state[data-state="connected"]', { timeout });
  await page.waitForFunction((t) => document.getElementById('transport').textContent === t, transport, { timeout });
  return page;
}

async function expectNotification(page, port, user, text) {
  await publish(port, `user:${user}`, { text });
  await page.waitForFunction((t) => [...document.querySelectorAll('#notifications li')].some((li) => li.textContent.includes(t)),
    text, { timeout });
}

const results = scenarios();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let relay;
try {
  const port = await freePort();
  relay = await startRelay(port);

  await results.run('WebSocket with cookie auth, and a restart of the memory engine shows recovered:false', async () => {
    const page = await openDemo(browser, port, 'alice', 'websocket');
    await expectNotification(page, port, 'alice', 'over websocket');
    // the page's own form publishes with the dev key
    await page.fill('#data', '{"text":"from the form"}');
    await page.click('#publish button');
    await page.waitForFunction(() => [...document.querySelectorAll('#notifications li')]
      .some((li) => li.textContent.includes('from the form')), null, { timeout });
    await stopRelay(relay);
    await page.waitForSelector('#state[data-state="disconnected"]', { timeout });
    relay = await startRelay(port);
    await page.waitForSelector('#recovered[data-recovered="false"]', { timeout: 40000 });
    await page.waitForSelector('#state[data-state="connected"]', { timeout });
    await expectNotification(page, port, 'alice', 'after the restart');
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
  });
  await stopRelay(relay);

  relay = await startRelay(port, { RELAY_DEMO_REFUSE_TRANSPORTS: 'websocket' });
  await results.run('WebSocket refused: the same page falls back to SSE', async () => {
    const page = await openDemo(browser, port, 'bob', 'sse');
    await expectNotification(page, port, 'bob', 'over sse');
  });
  await stopRelay(relay);

  relay = await startRelay(port, { RELAY_DEMO_REFUSE_TRANSPORTS: 'websocket,sse' });
  await results.run('WebSocket and SSE refused: the same page falls back to long-polling', async () => {
    const page = await openDemo(browser, port, 'carol', 'long-poll');
    await expectNotification(page, port, 'carol', 'over long-poll');
  });
  await stopRelay(relay);

  const pagePort = await freePort();
  const pageOrigin = `http://localhost:${pagePort}`;
  relay = await startRelay(port, { RELAY_AUTH_ALLOWED_ORIGINS: pageOrigin });
  await results.run('A page on another allowed origin imports /client/relay.js and its versioned copy, and receives over them', async () => {
    const relayOrigin = `http://127.0.0.1:${port}`;
    const token = await devToken(port, 'erin');
    const pages = createHttpServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<!doctype html><p id="state">loading</p><ol id="notifications"></ol><script type="module">
        const { RelayClient } = await import('${relayOrigin}/client/relay.js');
        const relay = new RelayClient('${relayOrigin}', { token: '${token}' });
        relay.addEventListener('state', (e) => { document.getElementById('state').dataset.state = e.detail.state; });
        relay.subscribe('user:erin', (n) => {
          const item = document.createElement('li');
          item.textContent = JSON.stringify(n.data);
          document.getElementById('notifications').append(item);
        });
      </script>`);
    });
    await new Promise((resolve) => pages.listen(pagePort, 'localhost', resolve));
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${pageOrigin}/`);
      await page.waitForSelector('#state[data-state="connected"]', { timeout });
      await expectNotification(page, port, 'erin', 'across origins');
      const pinned = await page.evaluate(async ([origin, path]) => {
        const module = await import(origin + path);
        const response = await fetch(origin + '/client/relay.js');
        // a module script from another origin only runs with CORS: the import itself shows the grant
        return { exported: typeof module.RelayClient, cache: response.headers.get('cache-control') };
      }, [relayOrigin, `/client/relay-${version}.js`]);
      if (pinned.exported !== 'function') throw new Error(`relay-${version}.js exports ${pinned.exported}`);
      if (pinned.cache !== 'no-cache') throw new Error(`relay.js is cached as ${pinned.cache}`);
    } finally {
      pages.close();
    }
  });
  await stopRelay(relay);
  relay = null;

  await results.run('Redis engine: the page\'s replica restarts, another replica publishes meanwhile, nothing is missed', async () => {
    const redisPort = await freePort();
    const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' });
    const engine = { RELAY_ENGINE: 'redis', QUARKUS_REDIS_HOSTS: `redis://127.0.0.1:${redisPort}` };
    const other = await freePort();
    let publisher;
    try {
      relay = await startRelay(port, engine);
      publisher = await startRelay(other, engine);
      const page = await openDemo(browser, port, 'dave', 'websocket');
      await expectNotification(page, other, 'dave', 'before the restart');
      await stopRelay(relay);
      await page.waitForSelector('#state[data-state="disconnected"]', { timeout });
      await publish(other, 'user:dave', { text: 'missed one' });
      await publish(other, 'user:dave', { text: 'missed two' });
      relay = await startRelay(port, engine);
      await page.waitForFunction(() => document.querySelectorAll('#notifications li').length === 3, null, { timeout: 40000 });
      const recovered = await page.textContent('#recovered');
      if (recovered !== 'recovered:true') throw new Error(`expected recovered:true, the page shows ${recovered}`);
      const offsets = await page.$$eval('#notifications li', (items) => items.map((li) => li.dataset.offset).reverse());
      if (offsets.join() !== '1,2,3') throw new Error(`offsets ${offsets.join()}`);
    } finally {
      if (publisher) await stopRelay(publisher);
      redis.kill('SIGKILL');
    }
  });
} finally {
  await browser.close();
  if (relay && relay.exitCode === null) await stopRelay(relay);
}
process.exit(results.report() ? 0 : 1);
