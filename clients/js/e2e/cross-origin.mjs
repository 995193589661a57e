// End-to-end: the browser client on a page served from another origin than the relay, as in
// production, in a real headless Chromium, talking to the packaged Relay through a proxy this script
// controls (proxy.mjs). Two replicas share one redis-server: the page's replica sits behind the proxy,
// the other takes the publishes, so publishing goes on while the page's replica is down.
//   node clients/js/e2e/cross-origin.mjs        (from the project root, after ./mvnw package)
// Exits 0 when every scenario passed.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { SignJWT } from 'jose';
import { chromium } from 'playwright-core';
import { ControlledProxy } from './proxy.mjs';
import { devToken, freePort, publish, scenarios, startRelay, stopRelay } from './relay-process.mjs';

const timeout = 20000;
const upgradeAfterMs = 6000;
const quickFailureMs = 2000;
const heartbeatMs = 2000; // the relay's WebSocket ping interval and SSE heartbeat in this test
const devSecret = new TextEncoder().encode('dev-only-hmac-secret-not-for-production-0123456789');

/** Waits until `condition()` holds, checking every 50 ms; throws `what` after `ms`. */
async function until(what, condition, ms = timeout) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Publishes {seq} to `channel` on `port` every `everyMs` until stopped; `accepted` lists the seqs answered 202, in order. */
function publisher(port, channel, everyMs) {
  const accepted = [];
  let running = true;
  let seq = 0;
  const done = (async () => {
    while (running) {
      const next = seq + 1;
      try {
        await publish(port, channel, { seq: next });
        seq = next;
        accepted.push(next);
      } catch { /* refused or not reachable: the same seq again */ }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return { accepted, stop: async () => { running = false; await done; } };
}

const pagePort = await freePort();
const pageOrigin = `http://localhost:${pagePort}`;
const relayPort = await freePort();
const otherPort = await freePort();
const proxyPort = await freePort();
const relayOrigin = `http://127.0.0.1:${proxyPort}`; // what the page knows as the relay
const redisPort = await freePort();
const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' });
const env = {
  RELAY_ENGINE: 'redis',
  QUARKUS_REDIS_HOSTS: `redis://127.0.0.1:${redisPort}`,
  RELAY_AUTH_ALLOWED_ORIGINS: pageOrigin,
  RELAY_WS_PING_INTERVAL: `${heartbeatMs / 1000}s`,
  RELAY_SSE_HEARTBEAT: `${heartbeatMs / 1000}s`,
};

// the page: loads relay.js from the relay's origin and records what each client it makes sees; its
// backend's /token?user=&ttl= signs dev tokens (what an app's token endpoint does)
const pages = createServer(async (request, response) => {
  const url = new URL(request.url, pageOrigin);
  if (url.pathname === '/token') {
    const token = await new SignJWT({ channels: ['team:*'] }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(url.searchParams.get('user')).setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + Number(url.searchParams.get('ttl'))).sign(devSecret);
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
    response.end(token);
    return;
  }
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end(`<!doctype html><title>loading</title><script type="module">
    const { RelayClient } = await import('${relayOrigin}/client/relay.js');
    window.clients = {};
    // token: a fixed token, or {user, ttl}: getToken from the page's backend; options: more client options
    window.make = (name, token, options = {}) => {
      const seen = { state: 'idle', transport: null, received: [], errors: [], subscribed: [], tokens: 0, gaps: [] };
      const getToken = typeof token === 'object'
        ? async () => { seen.tokens++; return (await fetch('/token?user=' + token.user + '&ttl=' + token.ttl)).text(); }
        : undefined;
      const client = new RelayClient('${relayOrigin}', { token: getToken ? undefined : token, getToken,
        upgradeAfterMs: ${upgradeAfterMs}, quickFailureMs: ${quickFailureMs}, backoffMaxMs: 2000, healthyAfterMs: 2000,
        ...options });
      client.addEventListener('state', (e) => { seen.state = e.detail.state; seen.transport = e.detail.transport;
        if (window.DEBUG) console.log(name, JSON.stringify(e.detail)); });
      client.addEventListener('error', (e) => {
        seen.errors.push({ code: e.detail.code, channel: e.detail.channel });
        if (window.DEBUG) console.log(name, 'error', JSON.stringify(e.detail));
      });
      client.addEventListener('gap', (e) => seen.gaps.push(e.detail));
      client.addEventListener('subscribed', (e) => seen.subscribed.push(e.detail.channel));
      window.clients[name] = { client, seen,
        record: (n) => seen.received.push({ channel: n.channel, epoch: n.epoch, offset: n.offset, seq: n.data.seq }) };
      return name;
    };
    document.title = 'ready';
  </script>`);
});
await new Promise((resolve) => pages.listen(pagePort, 'localhost', resolve));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const proxy = new ControlledProxy(relayPort);
await proxy.listen(proxyPort);
const results = scenarios();
let relay;
let other;
try {
  relay = await startRelay(relayPort, env);
  other = await startRelay(otherPort, env);
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  if (process.env.DEBUG) {
    page.on('console', (message) => console.error('page:', message.text()));
    await page.addInitScript(() => { window.DEBUG = true; });
  }
  await page.goto(`${pageOrigin}/`);
  await page.waitForFunction(() => document.title === 'ready', null, { timeout });
  const seen = (name) => page.evaluate((n) => window.clients[n].seen, name);
  const connectedOver = (name, transport) => until(`${name} connected over ${transport}`, async () => {
    const s = await seen(name);
    return s.state === 'connected' && s.transport === transport;
  });

  const received = async (name) => (await seen(name)).received.length;
  /** Stops the feed and checks that `name` got every accepted publish once, in order, dense in one epoch. */
  const expectEveryNotification = async (name, feed) => {
    await feed.stop();
    const published = feed.accepted.join();
    await until('every published notification', async () => (await received(name)) >= feed.accepted.length)
      .catch(async (e) => {
        throw new Error(`${e.message}: published ${published}\nreceived ${(await seen(name)).received.map((n) => n.seq).join()}`);
      });
    const got = (await seen(name)).received;
    await page.evaluate((n) => window.clients[n].client.close(), name);
    if (got.map((n) => n.seq).join() !== published) {
      throw new Error(`published ${published}\nreceived  ${got.map((n) => n.seq).join()}`);
    }
    const offsets = got.map((n) => n.offset);
    if (!offsets.every((offset, i) => offset === offsets[0] + i) || new Set(got.map((n) => n.epoch)).size !== 1) {
      throw new Error(`offsets not dense in one epoch: ${offsets.join()}`);
    }
  };

  await results.run('WebSocket refused, then SSE buffered, then both passed again: SSE, long-polling, back to WebSocket; '
    + 'a relay down is retried on WebSocket, not fallen back from; every notification once, in order', async () => {
    const user = 'fallback';
    const token = await devToken(otherPort, user);
    proxy.set({ websocket: 'refuse', sse: 'pass' });
    proxy.reset();
    await page.evaluate(([token, channel]) => {
      const { client, record } = window.clients[window.make('fallback', token)];
      client.subscribe(channel, record);
    }, [token, `user:${user}`]);
    await connectedOver('fallback', 'sse');
    // from here on, every accepted publish must reach the page
    const feed = publisher(otherPort, `user:${user}`, 100);
    if (proxy.counts.upgradesRefused < 1) throw new Error('no WebSocket upgrade was tried');
    const receivedMore = async (than) => until(`more than ${than} notifications`, async () => (await seen('fallback')).received.length > than);
    await receivedMore((await seen('fallback')).received.length + 3);

    proxy.set({ sse: 'buffer' });
    await connectedOver('fallback', 'long-poll');
    await receivedMore((await seen('fallback')).received.length + 3);

    proxy.set({ websocket: 'pass', sse: 'pass' });
    const passedAt = Date.now();
    await connectedOver('fallback', 'websocket');
    const upgradedIn = Date.now() - passedAt;
    if (upgradedIn > upgradeAfterMs + quickFailureMs) throw new Error(`back on WebSocket after ${upgradedIn} ms`);
    await receivedMore((await seen('fallback')).received.length + 3);

    await stopRelay(relay);
    proxy.reset();
    await until('reconnect attempts while the relay is down', async () => proxy.counts.upgrades >= 2);
    relay = await startRelay(relayPort, env);
    await connectedOver('fallback', 'websocket');
    // the client's diagnosis polls are expected: it asks why each upgrade failed, and finds no relay
    if (proxy.counts.streams + proxy.counts.longPolls > 0) {
      throw new Error(`fell back while the relay was down: ${JSON.stringify(proxy.counts)}`);
    }
    await receivedMore((await seen('fallback')).received.length + 3);

    await expectEveryNotification('fallback', feed);
  });

  await results.run('WebSocket and SSE both refused: long-polling, with every notification once, in order', async () => {
    proxy.set({ websocket: 'refuse', sse: 'refuse' });
    const token = await devToken(otherPort, 'refused');
    await page.evaluate((token) => {
      const { client, record } = window.clients[window.make('refused', token)];
      client.subscribe('team:refused', record);
    }, token);
    await connectedOver('refused', 'long-poll');
    for (let seq = 1; seq <= 5; seq++) await publish(otherPort, 'team:refused', { seq });
    await until('five notifications', async () => (await seen('refused')).received.length >= 5);
    const seqs = (await seen('refused')).received.map((n) => n.seq).join();
    await page.evaluate(() => window.clients.refused.client.close());
    if (seqs !== '1,2,3,4,5') throw new Error(`received ${seqs}`);
  });

  proxy.set({ websocket: 'pass', sse: 'pass' });
  const token = await devToken(otherPort, 'orders');
  /** Runs `calls` on a new client in the page, then checks it got a notification on each channel over one WebSocket. */
  const oneConnection = async (name, calls, channels, expectedUpgrades = 1) => {
    proxy.reset();
    await page.evaluate(([name, token, calls]) => {
      const { client, record } = window.clients[window.make(name, token)];
      for (const [call, channel] of calls) {
        if (call === 'subscribe') client.subscribe(channel, record); else client[call]();
      }
    }, [name, token, calls]);
    await connectedOver(name, 'websocket');
    for (const channel of channels) {
      await publish(relayPort, channel, { seq: channel });
      await until(`${name}: a notification on ${channel}`, async () => (await seen(name)).received.some((n) => n.channel === channel));
    }
    if (proxy.counts.upgrades !== expectedUpgrades || proxy.openWebSockets() !== 1) {
      throw new Error(`${JSON.stringify(proxy.counts)}, ${proxy.openWebSockets()} open`);
    }
    await page.evaluate((n) => window.clients[n].client.close(), name);
    await until(`${name}: its WebSocket closed`, async () => proxy.openWebSockets() === 0);
  };

  await results.run('subscribe then connect: one WebSocket', () =>
    oneConnection('subscribe-connect', [['subscribe', 'team:a'], ['connect']], ['team:a']));
  await results.run('connect then subscribe twice: one WebSocket', () =>
    oneConnection('connect-subscribe', [['connect'], ['subscribe', 'team:b'], ['subscribe', 'team:c']], ['team:b', 'team:c']));
  await results.run('close then connect: the first WebSocket closed, one open', () =>
    oneConnection('close-connect', [['subscribe', 'team:d'], ['close'], ['connect'], ['connect']], ['team:d']));

  await results.run('three channels subscribed one after another while connected: one WebSocket, no reconnect; '
    + 'a refused channel reaches its own handler and leaves the others alone', async () => {
    proxy.reset();
    const name = 'one-by-one';
    await page.evaluate(([name, token]) => {
      const { client, record } = window.clients[window.make(name, token)];
      client.subscribe('team:e', record);
    }, [name, token]);
    await connectedOver(name, 'websocket');
    for (const channel of ['team:f', 'team:g', 'team:h']) {
      await page.evaluate(([name, channel]) => {
        const { client, record } = window.clients[name];
        client.subscribe(channel, record);
      }, [name, channel]);
      await until(`${channel} subscribed`, async () => (await seen(name)).subscribed.includes(channel));
    }
    await page.evaluate((name) => {
      const { client, record, seen } = window.clients[name];
      client.subscribe('ops:secret', record, { onError: (e) => seen.refused = e });
    }, name);
    await until('the refusal of ops:secret', async () => (await seen(name)).refused);
    for (const channel of ['team:e', 'team:f', 'team:g', 'team:h']) {
      await publish(relayPort, channel, { seq: channel });
      await until(`a notification on ${channel}`, async () => (await seen(name)).received.some((n) => n.channel === channel));
    }
    const { refused, state } = await seen(name);
    if (refused.channel !== 'ops:secret' || refused.code !== 'forbidden') throw new Error(JSON.stringify(refused));
    if (state !== 'connected' || proxy.counts.upgrades !== 1 || proxy.openWebSockets() !== 1) {
      throw new Error(`${state}, ${JSON.stringify(proxy.counts)}, ${proxy.openWebSockets()} open`);
    }
  });
  await results.run('a getToken-only client connects, and renews a token that expires on WebSocket and on SSE, '
    + 'missing nothing', async () => {
    proxy.set({ websocket: 'pass', sse: 'pass' });
    const user = 'renewing';
    await page.evaluate((user) => {
      const { client, record } = window.clients[window.make('renewing', { user, ttl: 3 })];
      client.subscribe('user:' + user, record);
    }, user);
    await connectedOver('renewing', 'websocket');
    const feed = publisher(otherPort, `user:${user}`, 100);
    await until('two renewals on WebSocket', async () => (await seen('renewing')).tokens >= 3);
    await connectedOver('renewing', 'websocket');
    proxy.set({ websocket: 'refuse' });
    await connectedOver('renewing', 'sse');
    const onSse = (await seen('renewing')).tokens;
    await until('two renewals on SSE', async () => (await seen('renewing')).tokens >= onSse + 2, 30000);
    await connectedOver('renewing', 'sse');
    await expectEveryNotification('renewing', feed);
    proxy.set({ websocket: 'pass' });
  });

  await results.run('a WebSocket dead without a close (the proxy stops forwarding) is replaced within two heartbeats, '
    + 'missing nothing', async () => {
    const user = 'halfopen';
    const token = await devToken(otherPort, user);
    await page.evaluate(([token, user]) => {
      const { client, record } = window.clients[window.make('halfopen', token)];
      client.subscribe('user:' + user, record);
    }, [token, user]);
    await connectedOver('halfopen', 'websocket');
    const feed = publisher(otherPort, `user:${user}`, 100);
    await until('notifications flowing', async () => (await received('halfopen')) >= 5);
    const accepted = proxy.counts.upgradesAccepted;
    const frozenAt = Date.now();
    proxy.freeze();
    await until('a new WebSocket', async () => proxy.counts.upgradesAccepted > accepted, 4 * heartbeatMs);
    await connectedOver('halfopen', 'websocket');
    const recoveredIn = Date.now() - frozenAt;
    // two silent heartbeats, then a reconnect after the first backoff step (at most 500 ms) and its handshake
    if (recoveredIn > 2 * heartbeatMs + 1500) throw new Error(`recovered after ${recoveredIn} ms`);
    await until('notifications flowing again', async () => (await received('halfopen')) >= feed.accepted.length - 2);
    await expectEveryNotification('halfopen', feed);
    console.log(`half-open WebSocket replaced ${recoveredIn} ms after the proxy stopped forwarding (heartbeat ${heartbeatMs} ms)`);
  });

  await results.run('a long-poll client with a bearer token costs one request per answer', async () => {
    const token = await devToken(otherPort, 'polling');
    await page.evaluate((token) => {
      const { client, record } = window.clients[window.make('polling', token, { transports: ['long-poll'] })];
      client.subscribe('team:polled', record);
    }, token);
    await connectedOver('polling', 'long-poll');
    await until('the first long-poll', async () => proxy.counts.longPolls >= 1);
    proxy.reset();
    const answers = 10;
    for (let seq = 1; seq <= answers; seq++) {
      await publish(otherPort, 'team:polled', { seq });
      await until(`notification ${seq}`, async () => (await received('polling')) >= seq);
    }
    // the long-poll under way at the reset answered the first; each answer starts the next one
    await until('the next long-poll waiting', async () => proxy.counts.longPolls >= answers)
      .catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(proxy.counts)}`); });
    await page.evaluate(() => window.clients.polling.client.close());
    const { options, longPolls, polls } = proxy.counts;
    console.log(`long-poll: ${answers} answers cost ${longPolls + polls} GETs and ${options} OPTIONS`);
    if (options + polls > 0 || longPolls !== answers) throw new Error(JSON.stringify(proxy.counts));
  });

  await results.run('a relay behind a proxy that answers 401 to everything is asked at a bounded rate for 30 s', async () => {
    proxy.set({ all: 401 });
    proxy.reset();
    await page.evaluate(() => {
      // the default backoff (up to 30 s), as a page would have it
      const { client, record } = window.clients[window.make('refused401', { user: 'refused401', ttl: 60 }, { backoffMaxMs: 30000 })];
      client.subscribe('team:x', record);
    });
    const startedAt = Date.now();
    await until('30 s of refusals', async () => Date.now() - startedAt >= 30000, 31000);
    const { requests } = proxy.counts;
    const { tokens, state } = await seen('refused401');
    await page.evaluate(() => window.clients.refused401.client.close());
    console.log(`401 to everything: ${requests} requests and ${tokens} token requests in 30 s (state ${state})`);
    if (requests > 30 || tokens > 10) throw new Error(`${requests} requests, ${tokens} tokens in 30 s`);
  });

  await results.run('a 403 not about a channel stops the client with an error event', async () => {
    proxy.set({ all: 403 });
    const token = await devToken(otherPort, 'denied');
    await page.evaluate((token) => {
      const { client, record } = window.clients[window.make('denied', token)];
      client.subscribe('team:y', record);
    }, token);
    await until('stopped', async () => (await seen('denied')).state === 'stopped');
    const { errors } = await seen('denied');
    if (errors.length !== 1 || errors[0].code !== 403) throw new Error(JSON.stringify(errors));
    proxy.set({ all: 'pass' });
  });
} finally {
  await browser.close();
  await proxy.close();
  pages.close();
  for (const r of [relay, other]) if (r) await stopRelay(r);
  redis.kill('SIGKILL');
}
process.exit(results.report() ? 0 : 1);
