// Unit tests of the client's reconnect, backoff, resume and fallback logic, with a fake WebSocket,
// fetch and clock: node --test test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RelayClient, backoffDelay, encodeCursor, crc32 } from '../relay.js';

class FakeSocket {
  static instances = [];
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.sent = [];
    this.readyState = 1;
    FakeSocket.instances.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
  receive(message) { this.onmessage({ data: JSON.stringify(message) }); }
  drop(code, reason = '') { this.readyState = 3; this.onclose({ code, reason }); }
}

function harness(options = {}) {
  FakeSocket.instances = [];
  const timers = [];
  let now = 0;
  const fetched = [];
  const client = new RelayClient('http://relay.test', {
    token: 't1',
    WebSocket: FakeSocket,
    setTimeout: (fn, ms) => { timers.push({ fn, at: now + ms }); return timers.length; },
    clearTimeout: (id) => { if (timers[id - 1]) timers[id - 1].fn = null; },
    random: () => 1,
    now: () => now,
    fetch: async (url) => { fetched.push(url); return { ok: options.relayUp ?? true, status: 200, json: async () => ({}) }; },
    ...options,
  });
  const states = [];
  client.addEventListener('state', (e) => states.push(e.detail));
  return {
    client, states, fetched,
    socket: () => FakeSocket.instances.at(-1),
    sockets: () => FakeSocket.instances,
    /** Advances the clock, running due timers in order. */
    async advance(ms) {
      now += ms;
      for (;;) {
        // let promise chains (token refresh, health probe) settle before looking at the timers
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        const due = timers.filter((timer) => timer.fn && timer.at <= now);
        if (due.length === 0) return;
        for (const timer of due) { const fn = timer.fn; timer.fn = null; fn(); }
      }
    },
  };
}

const welcome = (channels) => ({ type: 'welcome', user: 'alice', channels });
const notification = (channel, epoch, offset) => ({ type: 'notification', id: 'n' + offset, channel, epoch, offset, data: { offset } });

test('the cursor is the documented encoding (same bytes as the server builds)', () => {
  assert.equal(crc32('v1\nuser:alice M-PCVZNU 42\n'), crc32('v1\nuser:alice M-PCVZNU 42\n'));
  const cursor = encodeCursor({ 'user:alice': { epoch: 'M-PCVZNU', offset: 42 } });
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  const text = Buffer.from(cursor.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('ascii');
  assert.equal(text, 'v1\nuser:alice M-PCVZNU 42\n' + crc32('v1\nuser:alice M-PCVZNU 42\n'));
  assert.equal(crc32('123456789'), 'cbf43926', 'the standard CRC-32 check value');
});

test('backoff grows exponentially, is capped, and is jittered between half and all of it', () => {
  const options = { backoffInitialMs: 500, backoffMaxMs: 30000 };
  assert.equal(backoffDelay(0, options, () => 1), 500);
  assert.equal(backoffDelay(3, options, () => 1), 4000);
  assert.equal(backoffDelay(20, options, () => 1), 30000);
  assert.equal(backoffDelay(3, options, () => 0), 2000);
  for (let attempt = 0; attempt < 10; attempt++) {
    const delay = backoffDelay(attempt, options);
    const ceiling = Math.min(30000, 500 * 2 ** attempt);
    assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}: ${delay}`);
  }
});

test('offers the token as a subprotocol and delivers notifications to their channel', () => {
  const h = harness();
  const got = [];
  h.client.subscribe('broadcast', (n) => got.push(n.offset));
  assert.deepEqual(h.socket().protocols, ['relay.v1', 'relay.bearer.t1']);
  assert.match(h.socket().url, /^ws:\/\/relay\.test\/ws\?channel=broadcast$/);
  h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'E', offset: 4, recovered: true }]));
  h.socket().receive(notification('broadcast', 'E', 5));
  h.socket().receive(notification('broadcast', 'E', 5));
  assert.deepEqual(got, [5], 'a duplicate is dropped');
  assert.equal(h.client.state, 'connected');
});

test('reconnects after a drop with backoff and resumes from the last offset', async () => {
  const h = harness();
  h.client.subscribe('broadcast', () => {});
  h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'E', offset: 4, recovered: true }]));
  h.socket().receive(notification('broadcast', 'E', 5));
  await h.advance(5000); // long-lived connection: a later drop is not a transport failure
  h.socket().drop(1001, 'server shutting down');
  assert.equal(h.client.state, 'disconnected');
  assert.equal(h.sockets().length, 1);
  await h.advance(500);
  assert.equal(h.sockets().length, 2, 'reconnected after the first backoff');
  const url = new URL(h.socket().url.replace(/^ws/, 'http'));
  assert.equal(url.searchParams.get('cursor'), encodeCursor({ broadcast: { epoch: 'E', offset: 5 } }));
});

test('4001 gets a new token and reconnects at once', async () => {
  let calls = 0;
  const h = harness({ getToken: async () => `fresh-${++calls}` });
  h.client.subscribe('broadcast', () => {});
  h.socket().receive(welcome([]));
  await h.advance(5000);
  h.socket().drop(4001, 'token expired');
  await h.advance(0);
  assert.equal(calls, 1);
  assert.deepEqual(h.socket().protocols, ['relay.v1', 'relay.bearer.fresh-1']);
});

test('4003 and 1008 stop for good', async () => {
  for (const code of [4003, 1008]) {
    const h = harness();
    h.client.subscribe('broadcast', () => {});
    h.socket().receive(welcome([]));
    await h.advance(5000);
    h.socket().drop(code);
    await h.advance(60000);
    assert.equal(h.sockets().length, 1, `no reconnect after ${code}`);
    assert.equal(h.client.state, 'stopped');
  }
});

test('a WebSocket that dies at once falls back to SSE when the relay answers, and upgrades back later', async () => {
  const streams = [];
  const h = harness({
    upgradeAfterMs: 60000,
    fetch: async (url) => {
      if (url.includes('/q/health/live')) return { ok: true };
      streams.push(url);
      return new Promise(() => {}); // a stream that stays open
    },
  });
  h.client.subscribe('broadcast', () => {});
  h.socket().drop(1006); // refused upgrade, e.g. a proxy without Upgrade
  await h.advance(0);
  assert.equal(h.client.transport, 'sse');
  assert.ok(streams[0].startsWith('http://relay.test/api/v1/notifications/stream?channel=broadcast'));
  h.client.welcomed({ welcomed: false, opened: 0 }, { type: 'welcome', channels: [] });
  await h.advance(60000);
  assert.equal(h.client.transport, 'websocket', 'tries WebSocket again');
  assert.equal(h.sockets().length, 2);
});

test('a WebSocket that fails while the relay is down is retried, not abandoned', async () => {
  const h = harness({ fetch: async () => { throw new Error('connection refused'); } });
  h.client.subscribe('broadcast', () => {});
  h.socket().drop(1006);
  await h.advance(0);
  assert.equal(h.client.transport, 'websocket');
  await h.advance(500);
  assert.equal(h.sockets().length, 2);
});

test('recovered:false restarts the count in the new epoch', () => {
  const h = harness();
  const got = [];
  h.client.subscribe('broadcast', (n) => got.push(n.offset));
  h.client.positions.broadcast = { epoch: 'OLD', offset: 40 };
  h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'NEW', offset: 2, recovered: false }]));
  h.socket().receive(notification('broadcast', 'NEW', 1));
  h.socket().receive(notification('broadcast', 'NEW', 2));
  assert.deepEqual(got, [1, 2]);
});
