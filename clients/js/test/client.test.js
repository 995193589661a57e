// Unit tests of the client's reconnect, backoff, resume and fallback logic, with a fake WebSocket,
// fetch and clock: node --test test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

/** Whether `url` is the poll the client asks the relay with when a transport failed fast. */
const isDiagnosis = (url) => url.includes('/api/v1/notifications?') && url.includes('limit=1');

/** The default fetch: the relay answers the client's diagnosis poll (it would accept it), nothing else is expected. */
const probeOnly = async (url) => {
  if (isDiagnosis(url)) return json(200, { notifications: [], cursor: 'djEKMjAzMDQwNjA', recovered: true, more: false });
  throw new Error('unexpected fetch ' + url);
};

/** A fetch response whose body the test writes: an SSE stream; aborting the request fails its reads. */
function stream(signal) {
  let push;
  const queue = [];
  const reader = {
    read: () => new Promise((resolve, reject) => {
      if (queue.length) return resolve(queue.shift());
      push = resolve;
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }),
  };
  const write = (chunk) => {
    const item = chunk === null ? { done: true } : { done: false, value: new TextEncoder().encode(chunk) };
    if (push) { const p = push; push = null; p(item); } else queue.push(item);
  };
  return { response: { ok: true, status: 200, body: { getReader: () => reader } }, write };
}

/** A fetch whose answers never come unless aborted: a long-poll or stream in progress. */
function pending(signal) {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  });
}

const json = (status, body) => ({ ok: status < 300, status, statusText: String(status), json: async () => body });
const sse = (type, message) => `event: ${type}\ndata: ${JSON.stringify(message)}\n\n`;

/** A harness on SSE alone whose streams the test writes: `streams[i]` = {url, write, signal}. */
function sseHarness(options = {}) {
  const streams = [];
  const h = harness({
    transports: ['sse'],
    respond: async (url, init) => {
      const s = stream(init.signal);
      streams.push({ url, ...s, signal: init.signal });
      return s.response;
    },
    ...options,
  });
  return { h, streams };
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
    fetch: async (url, init) => { fetched.push(url); return (options.respond ?? probeOnly)(url, init); },
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

test('the cursor is the one the server builds from the same positions', () => {
  // the fixtures are checked against the server's own encoder by CursorTest
  const fixtures = JSON.parse(readFileSync(new URL('./fixtures/cursors.json', import.meta.url), 'utf8'));
  assert.ok(fixtures.length >= 3);
  for (const { positions, cursor } of fixtures) {
    assert.equal(encodeCursor(positions), cursor);
  }
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

test('offers the token as a subprotocol and delivers notifications to their channel', async () => {
  const h = harness();
  const got = [];
  h.client.subscribe('broadcast', (n) => got.push(n.offset));
  await h.advance(0);
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
  await h.advance(0);
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

test('4001 gets a new token and reconnects after a backoff', async () => {
  let calls = 0;
  const h = harness({ getToken: async () => `fresh-${++calls}` });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().receive(welcome([]));
  await h.advance(5000);
  h.socket().drop(4001, 'token expired');
  await h.advance(0);
  assert.equal(calls, 0, 'not before the backoff');
  await h.advance(500);
  assert.equal(calls, 1);
  assert.equal(h.sockets().length, 2);
  assert.deepEqual(h.socket().protocols, ['relay.v1', 'relay.bearer.fresh-1']);
});

test('a close while a new token is fetched stays closed', async () => {
  let release;
  const h = harness({ getToken: () => new Promise((resolve) => { release = resolve; }) });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().receive(welcome([]));
  await h.advance(5000);
  h.socket().drop(4001, 'token expired');
  await h.advance(500);
  h.client.close();
  release('fresh');
  await h.advance(60000);
  assert.equal(h.sockets().length, 1);
  assert.equal(h.client.state, 'closed');
});

test('4003 and 1008 stop for good', async () => {
  for (const code of [4003, 1008]) {
    const h = harness();
    h.client.subscribe('broadcast', () => {});
    await h.advance(0);
    h.socket().receive(welcome([]));
    await h.advance(5000);
    h.socket().drop(code);
    await h.advance(60000);
    assert.equal(h.sockets().length, 1, `no reconnect after ${code}`);
    assert.equal(h.client.state, 'stopped');
  }
});

// --- one connection, whatever the order of calls ---------------------------------------------

test('subscribe then connect opens one WebSocket with the channel', async () => {
  const h = harness();
  h.client.subscribe('broadcast', () => {});
  h.client.connect();
  await h.advance(0);
  h.client.connect();
  await h.advance(10000);
  assert.equal(h.sockets().length, 1);
  assert.match(h.socket().url, /channel=broadcast/);
});

test('connect then two subscribes in the same task open one WebSocket with both channels', async () => {
  const h = harness();
  h.client.connect();
  h.client.subscribe('a', () => {});
  h.client.subscribe('b', () => {});
  await h.advance(10000);
  assert.equal(h.sockets().length, 1);
  assert.match(h.socket().url, /channel=a&channel=b/);
});

test('channels subscribed while the WebSocket opens are subscribed over it after the welcome', async () => {
  const h = harness();
  h.client.connect();
  await h.advance(0);
  h.client.subscribe('a', () => {});
  h.client.subscribe('b', () => {});
  assert.deepEqual(h.socket().sent, [], 'nothing is sent before the welcome');
  h.socket().receive(welcome([{ channel: 'user:alice', epoch: 'E', offset: 0, recovered: true }]));
  assert.deepEqual(h.socket().sent, [{ op: 'subscribe', channel: 'a' }, { op: 'subscribe', channel: 'b' }]);
  assert.equal(h.sockets().length, 1);
});

test('three channels subscribed one after another while connected are ops on the one socket', async () => {
  const h = harness();
  const got = [];
  h.client.subscribe('a', (n) => got.push(n.channel));
  await h.advance(0);
  h.socket().receive(welcome([{ channel: 'a', epoch: 'E', offset: 0, recovered: true }]));
  for (const channel of ['b', 'c', 'd']) {
    h.client.subscribe(channel, (n) => got.push(n.channel));
    h.socket().receive({ type: 'subscribed', channel, epoch: 'E', offset: 3, recovered: true });
    h.socket().receive(notification(channel, 'E', 4));
  }
  assert.deepEqual(h.socket().sent.map((op) => op.op + ' ' + op.channel), ['subscribe b', 'subscribe c', 'subscribe d']);
  assert.deepEqual(got, ['b', 'c', 'd']);
  assert.equal(h.sockets().length, 1);
  assert.ok(!h.states.some((s) => s.state === 'disconnected'), 'never disconnected');
  assert.equal(h.client.positions.d.offset, 4);
});

test('close is idempotent, and close then connect leaves one open WebSocket', async () => {
  const h = harness();
  h.client.subscribe('a', () => {});
  await h.advance(0);
  h.socket().receive(welcome([]));
  h.client.close();
  h.client.close();
  assert.equal(h.states.filter((s) => s.state === 'closed').length, 1);
  assert.equal(h.sockets()[0].readyState, 3, 'the first socket is closed');
  h.client.connect();
  h.client.connect();
  await h.advance(10000);
  assert.equal(h.sockets().length, 2);
  assert.equal(h.socket().readyState, 1);
});

test('close before the first open opens nothing, and a close during the fallback probe stops it', async () => {
  const h = harness();
  h.client.subscribe('a', () => {});
  h.client.close();
  await h.advance(60000);
  assert.equal(h.sockets().length, 0);
  h.client.connect();
  await h.advance(0);
  h.socket().drop(1006);
  h.client.close();
  await h.advance(60000);
  assert.equal(h.sockets().length, 1);
  assert.equal(h.client.state, 'closed');
});

// --- channels join and leave without a reconnect ----------------------------------------------

test('a channel the relay refuses reaches its own error handler and leaves the others alone', async () => {
  const h = harness();
  const got = [];
  const errors = [];
  const clientErrors = [];
  h.client.addEventListener('error', (e) => clientErrors.push(e.detail.channel));
  h.client.subscribe('a', (n) => got.push(n.channel));
  await h.advance(0);
  h.socket().receive(welcome([{ channel: 'a', epoch: 'E', offset: 0, recovered: true }]));
  h.client.subscribe('secret', (n) => got.push(n.channel), { onError: (e) => errors.push(e) });
  h.socket().receive({ type: 'error', code: 'forbidden', channel: 'secret', message: 'not granted' });
  h.socket().receive(notification('a', 'E', 1));
  assert.deepEqual(errors, [{ channel: 'secret', code: 'forbidden', message: 'not granted' }]);
  assert.deepEqual(clientErrors, ['secret']);
  assert.deepEqual(got, ['a']);
  assert.equal(h.client.state, 'connected');
  await h.advance(5000);
  h.socket().drop(1001);
  await h.advance(500);
  assert.doesNotMatch(h.socket().url, /secret/, 'a refused channel is not asked for again');
});

test('a subscribe the relay cannot serve now is sent again after a backoff', async () => {
  const h = harness();
  h.client.subscribe('a', () => {});
  await h.advance(0);
  h.socket().receive(welcome([{ channel: 'a', epoch: 'E', offset: 0, recovered: true }]));
  h.client.subscribe('b', () => {});
  h.socket().receive({ type: 'error', code: 'unavailable', channel: 'b', message: 'try again' });
  assert.equal(h.socket().sent.length, 1);
  await h.advance(500);
  assert.deepEqual(h.socket().sent.map((op) => op.op + ' ' + op.channel), ['subscribe b', 'subscribe b']);
});

test('unsubscribe is an op on the WebSocket and what still arrives for the channel is ignored', async () => {
  const h = harness();
  const got = [];
  const all = [];
  h.client.addEventListener('notification', (e) => all.push(e.detail.channel));
  h.client.subscribe('a', (n) => got.push(n.offset));
  await h.advance(0);
  h.socket().receive(welcome([{ channel: 'a', epoch: 'E', offset: 0, recovered: true }]));
  h.client.unsubscribe('a');
  h.socket().receive(notification('a', 'E', 1));
  assert.deepEqual(h.socket().sent, [{ op: 'unsubscribe', channel: 'a' }]);
  assert.deepEqual(got, []);
  assert.deepEqual(all, []);
  assert.equal(h.client.cursor(), null);
});

test('on SSE a new channel starts the next stream with it, without a reconnect', async () => {
  const { h, streams } = sseHarness();
  const got = [];
  h.client.subscribe('a', (n) => got.push(n.channel + n.offset));
  await h.advance(0);
  streams[0].write(sse('welcome', welcome([{ channel: 'a', epoch: 'E', offset: 0, recovered: true }])));
  streams[0].write(sse('notification', notification('a', 'E', 1)));
  await h.advance(0);
  h.client.subscribe('b', (n) => got.push(n.channel + n.offset));
  await h.advance(0);
  assert.equal(streams.length, 2);
  assert.ok(streams[0].signal.aborted, 'the first stream is given up');
  const url = new URL(streams[1].url);
  assert.deepEqual(url.searchParams.getAll('channel'), ['a', 'b']);
  assert.equal(url.searchParams.get('cursor'), encodeCursor({ a: { epoch: 'E', offset: 1 } }));
  streams[1].write(sse('welcome', welcome([{ channel: 'a', epoch: 'E', offset: 1, recovered: true },
    { channel: 'b', epoch: 'F', offset: 7, recovered: true }])));
  streams[1].write(sse('notification', notification('b', 'F', 8)));
  await h.advance(0);
  assert.deepEqual(got, ['a1', 'b8']);
  assert.ok(!h.states.some((s) => s.state === 'disconnected'), 'never disconnected');
  assert.equal(h.states.filter((s) => s.state === 'connected').length, 1);
});

test('on SSE a 403 naming one channel drops that channel and streams the others', async () => {
  const streams = [];
  const errors = [];
  const h = harness({
    transports: ['sse'],
    respond: async (url, init) => {
      streams.push(url);
      if (url.includes('secret')) {
        return json(403, { status: 403, detail: 'channel secret is not readable with this token', channel: 'secret' });
      }
      return stream(init.signal).response;
    },
  });
  h.client.subscribe('a', () => {});
  h.client.subscribe('secret', () => {}, { onError: (e) => errors.push(e.code) });
  await h.advance(0);
  assert.equal(streams.length, 2);
  assert.deepEqual(new URL(streams[1]).searchParams.getAll('channel'), ['a']);
  assert.deepEqual(errors, ['forbidden']);
  assert.notEqual(h.client.state, 'stopped');
});

test('on long-polling a new channel cuts the wait short and the next poll carries it', async () => {
  const polls = [];
  const h = harness({
    transports: ['long-poll'],
    respond: async (url, init) => {
      polls.push({ url, signal: init.signal });
      if (url.includes('/long-poll')) return pending(init.signal);
      return json(200, { notifications: [], cursor: encodeCursor({ a: { epoch: 'E', offset: 0 } }), recovered: true, more: false });
    },
  });
  h.client.subscribe('a', () => {});
  await h.advance(0);
  assert.equal(polls.length, 2, 'a poll, then a long-poll');
  assert.match(polls[1].url, /\/long-poll\?/);
  h.client.subscribe('b', () => {});
  await h.advance(0);
  assert.ok(polls[1].signal.aborted);
  assert.match(polls[2].url, /\/api\/v1\/notifications\?channel=a&channel=b/);
  assert.ok(!h.states.some((s) => s.state === 'disconnected'));
});

test('on long-polling an unsubscribed channel is not taken back from the relay\'s cursor', async () => {
  const polls = [];
  const h = harness({
    transports: ['long-poll'],
    respond: async (url, init) => {
      polls.push(url);
      if (polls.length > 3) return pending(init.signal);
      return json(200, { notifications: [], cursor: encodeCursor({ a: { epoch: 'E', offset: 3 }, b: { epoch: 'E', offset: 5 } }),
        recovered: true, more: false });
    },
  });
  h.client.subscribe('a', () => {});
  h.client.subscribe('b', () => {});
  await h.advance(0);
  h.client.unsubscribe('b');
  await h.advance(0);
  const last = new URL(polls.at(-1));
  assert.deepEqual(last.searchParams.getAll('channel'), ['a']);
  assert.deepEqual(Object.keys(h.client.positions), ['a']);
});

// --- fallback ---------------------------------------------------------------------------------

test('a WebSocket that dies at once falls back to SSE when the relay answers, and upgrades back later', async () => {
  const streams = [];
  const h = harness({
    upgradeAfterMs: 60000,
    respond: async (url, init) => {
      if (isDiagnosis(url)) return json(200, {});
      const s = stream(init.signal);
      streams.push({ url, ...s });
      return s.response;
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().drop(1006); // refused upgrade, e.g. a proxy without Upgrade
  await h.advance(0);
  assert.equal(h.client.transport, 'sse');
  assert.ok(streams[0].url.startsWith('http://relay.test/api/v1/notifications/stream?channel=broadcast'));
  streams[0].write(sse('welcome', welcome([{ channel: 'broadcast', epoch: 'E', offset: 2, recovered: true }])));
  await h.advance(0);
  assert.equal(h.client.state, 'connected');
  await h.advance(60000);
  assert.equal(h.client.transport, 'websocket', 'tries WebSocket again');
  assert.equal(h.sockets().length, 2);
  const url = new URL(h.socket().url.replace(/^ws/, 'http'));
  assert.equal(url.searchParams.get('cursor'), encodeCursor({ broadcast: { epoch: 'E', offset: 2 } }), 'the cursor crosses the switch');
});

test('a WebSocket upgraded but never welcomed falls back to SSE after quickFailureMs', async () => {
  const streams = [];
  const h = harness({
    respond: async (url, init) => {
      if (isDiagnosis(url)) return json(200, {});
      streams.push(url);
      return stream(init.signal).response;
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  await h.advance(2999);
  assert.equal(streams.length, 0);
  await h.advance(1);
  assert.equal(h.sockets()[0].readyState, 3, 'the silent socket is closed');
  assert.equal(h.client.transport, 'sse');
  assert.equal(streams.length, 1);
});

test('an SSE stream that is buffered (no welcome) falls back to long-polling', async () => {
  const fetched = [];
  const h = harness({
    transports: ['sse', 'long-poll'],
    respond: async (url, init) => {
      fetched.push(url);
      if (isDiagnosis(url)) return json(200, {});
      if (url.includes('/stream')) return stream(init.signal).response; // headers, then nothing
      return pending(init.signal);
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  await h.advance(3000);
  assert.equal(h.client.transport, 'long-poll');
  assert.match(fetched.at(-1), /\/api\/v1\/notifications\?channel=broadcast/);
});

test('a WebSocket that fails while the relay is down is retried, not abandoned', async () => {
  const h = harness({ respond: async () => { throw new Error('connection refused'); } });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().drop(1006);
  await h.advance(0);
  assert.equal(h.client.transport, 'websocket');
  await h.advance(500);
  assert.equal(h.sockets().length, 2);
  assert.equal(h.client.transport, 'websocket');
});

test('a relay whose proxy answers the probe with 502 is down: retried on WebSocket', async () => {
  const h = harness({ respond: async () => ({ ok: false, status: 502 }) });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().drop(1006);
  await h.advance(0);
  await h.advance(500);
  assert.equal(h.sockets().length, 2);
  assert.equal(h.client.transport, 'websocket');
});

test('recovered:false restarts the count in the new epoch', async () => {
  const h = harness();
  const got = [];
  h.client.subscribe('broadcast', (n) => got.push(n.offset));
  await h.advance(0);
  h.client.positions.broadcast = { epoch: 'OLD', offset: 40 };
  h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'NEW', offset: 2, recovered: false }]));
  h.socket().receive(notification('broadcast', 'NEW', 1));
  h.socket().receive(notification('broadcast', 'NEW', 2));
  assert.deepEqual(got, [1, 2]);
});

// --- refusals, tokens and backoff -------------------------------------------------------------

/** A fetch answering the diagnosis poll with `status` (and a problem), streams and polls as `rest` says. */
function diagnosedAs(status, problem = {}, headers = {}) {
  return async (url) => {
    if (isDiagnosis(url)) {
      return { ok: status < 300, status, statusText: String(status), headers: new Headers(headers), json: async () => problem };
    }
    throw new Error('unexpected fetch ' + url);
  };
}

test('a getToken-only client gets its token before the first connection', async () => {
  let calls = 0;
  const h = harness({ token: undefined, getToken: async () => `first-${++calls}` });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  assert.equal(calls, 1);
  assert.equal(h.sockets().length, 1);
  assert.deepEqual(h.socket().protocols, ['relay.v1', 'relay.bearer.first-1']);
});

test('a WebSocket refused for its token (seen as 1006) is diagnosed as 401: a new token, then a backoff', async () => {
  let calls = 0;
  let diagnosis;
  const h = harness({
    getToken: async () => `fresh-${++calls}`,
    respond: async (url, init) => {
      diagnosis = init.headers;
      return diagnosedAs(401, { status: 401, detail: 'token expired' })(url);
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().drop(1006);
  await h.advance(0);
  assert.equal(diagnosis.Authorization, 'Bearer t1', 'the relay is asked with the same credentials');
  assert.equal(h.client.transport, 'websocket', 'a refused token is no reason to fall back');
  await h.advance(500);
  assert.equal(calls, 1);
  assert.deepEqual(h.socket().protocols, ['relay.v1', 'relay.bearer.fresh-1']);
});

test('a WebSocket refused with 403 stops with an error event, and nothing reconnects', async () => {
  const h = harness({ respond: diagnosedAs(403, { status: 403, detail: 'this origin is not allowed' }) });
  const errors = [];
  h.client.addEventListener('error', (e) => errors.push(e.detail));
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().drop(1006);
  await h.advance(60000);
  assert.equal(h.client.state, 'stopped');
  assert.equal(h.sockets().length, 1);
  assert.deepEqual(errors, [{ type: 'error', code: 403, message: 'this origin is not allowed' }]);
});

test('a WebSocket refused for one channel drops that channel and reconnects without it', async () => {
  const h = harness({ respond: diagnosedAs(403, { status: 403, channel: 'secret' }) });
  const errors = [];
  h.client.subscribe('broadcast', () => {});
  h.client.subscribe('secret', () => {}, { onError: (e) => errors.push(e.channel) });
  await h.advance(0);
  h.socket().drop(1006);
  await h.advance(0);
  await h.advance(500);
  assert.deepEqual(errors, ['secret']);
  assert.equal(h.sockets().length, 2);
  assert.match(h.socket().url, /channel=broadcast$/);
});

test('a relay answering 401 to everything is asked at a bounded rate, and a failing getToken stops the client', async () => {
  let tokens = 0;
  let polls = 0;
  const h = harness({
    transports: ['sse'],
    getToken: async () => {
      if (++tokens > 4) throw new Error('token endpoint down');
      return `t${tokens}`;
    },
    respond: async () => {
      polls++;
      return json(401, { status: 401 });
    },
  });
  const errors = [];
  h.client.addEventListener('error', (e) => errors.push(e.detail.code));
  h.client.subscribe('broadcast', () => {});
  for (let ms = 0; ms < 30000; ms += 100) await h.advance(100);
  assert.ok(polls <= 8, `${polls} requests in 30 s`);
  assert.ok(tokens <= 8, `${tokens} token requests in 30 s`);
  for (let ms = 0; ms < 120000; ms += 1000) await h.advance(1000);
  assert.equal(h.client.state, 'stopped');
  assert.deepEqual(errors, ['token']);
});

test('Retry-After of a 503 is waited for, even past the backoff', async () => {
  const requests = [];
  const h = harness({
    transports: ['sse'],
    respond: async (url, init) => {
      requests.push(url);
      if (requests.length === 1) return { ...json(503, { status: 503 }), headers: new Headers({ 'Retry-After': '7' }) };
      return stream(init.signal).response;
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  assert.equal(h.client.state, 'disconnected');
  await h.advance(6999);
  assert.equal(requests.length, 1);
  await h.advance(1);
  assert.equal(requests.length, 2);
});

test('a relay that accepts then closes at once is reconnected with a growing backoff', async () => {
  const h = harness({ healthyAfterMs: 10000 });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  const waits = [];
  h.client.addEventListener('state', (e) => { if (e.detail.retryInMs) waits.push(e.detail.retryInMs); });
  for (let i = 0; i < 4; i++) {
    h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'E', offset: 0, recovered: true }]));
    await h.advance(5000); // up, but not for healthyAfterMs
    h.socket().drop(4002, 'slow consumer');
    await h.advance(0);
    await h.advance(waits.at(-1));
  }
  assert.deepEqual(waits, [500, 1000, 2000, 4000]);
  assert.equal(h.sockets().length, 5);
});

// --- liveness -------------------------------------------------------------------------------

test('a silent WebSocket is pinged after one heartbeat and replaced after two, resuming from the cursor', async () => {
  const h = harness();
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().receive({ ...welcome([{ channel: 'broadcast', epoch: 'E', offset: 3, recovered: true }]), heartbeat: 1000 });
  await h.advance(1000);
  assert.deepEqual(h.socket().sent, [{ op: 'ping' }]);
  h.socket().receive({ type: 'pong' });
  await h.advance(1500);
  assert.equal(h.sockets().length, 1, 'a pong keeps it');
  await h.advance(2000); // silent since the pong: half-open
  assert.equal(h.sockets()[0].readyState, 3);
  await h.advance(500);
  assert.equal(h.sockets().length, 2);
  assert.match(h.socket().url, new RegExp('cursor=' + encodeCursor({ broadcast: { epoch: 'E', offset: 3 } })));
});

test('an SSE stream is kept by its heartbeat comments and replaced after two silent heartbeats', async () => {
  const { h, streams } = sseHarness();
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  streams[0].write(sse('welcome', { ...welcome([]), heartbeat: 1000 }));
  await h.advance(0);
  for (let i = 0; i < 5; i++) {
    await h.advance(1000);
    streams[0].write(':\n\n');
    await h.advance(0); // read now, not when the clock jumps next
  }
  assert.equal(streams.length, 1);
  await h.advance(2000);
  assert.ok(streams[0].signal.aborted);
  await h.advance(500);
  assert.equal(streams.length, 2);
});

test('a long-poll unanswered past its timeout is replaced', async () => {
  const polls = [];
  const h = harness({
    transports: ['long-poll'],
    longPollTimeoutSeconds: 25,
    respond: async (url, init) => {
      polls.push({ url, signal: init.signal });
      if (url.includes('/long-poll')) return pending(init.signal);
      return json(200, { notifications: [], cursor: encodeCursor({ broadcast: { epoch: 'E', offset: 0 } }), recovered: true, more: false });
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  assert.equal(polls.length, 2);
  await h.advance(27999);
  assert.equal(polls.length, 2);
  await h.advance(1);
  assert.ok(polls[1].signal.aborted);
  await h.advance(500);
  assert.equal(polls.length, 4, 'a new poll, then its long-poll');
});

test('the network coming back reconnects at once instead of waiting out the backoff', async () => {
  const window = new EventTarget();
  const h = harness({ window, respond: async () => { throw new Error('offline'); } });
  h.client.subscribe('broadcast', () => {});
  for (let ms = 0; ms < 60000; ms += 1000) await h.advance(1000); // offline: each try fails, the backoff grows
  assert.equal(h.client.state, 'disconnected');
  const sockets = h.sockets().length;
  window.dispatchEvent(new Event('online'));
  assert.equal(h.sockets().length, sockets + 1);
});

test('a tab visible again after a long hidden time checks its WebSocket and replaces a dead one', async () => {
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const h = harness({ document });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.socket().receive({ ...welcome([{ channel: 'broadcast', epoch: 'E', offset: 0, recovered: true }]), heartbeat: 600000 });
  document.visibilityState = 'hidden';
  document.dispatchEvent(new Event('visibilitychange'));
  await h.advance(60000);
  document.visibilityState = 'visible';
  document.dispatchEvent(new Event('visibilitychange'));
  assert.deepEqual(h.socket().sent, [{ op: 'ping' }]);
  await h.advance(3000);
  assert.equal(h.sockets()[0].readyState, 3, 'no pong: dead');
  await h.advance(500);
  assert.equal(h.sockets().length, 2);
});

// --- handlers, gaps, long-poll cost, close --------------------------------------------------------

test('a throwing handler gets an error event; other handlers, later notifications and the stream go on', async () => {
  const { h, streams } = sseHarness();
  const got = [];
  const errors = [];
  h.client.addEventListener('error', (e) => errors.push(e.detail.code + ' ' + e.detail.channel));
  h.client.subscribe('broadcast', () => { throw new Error('broken view'); });
  h.client.subscribe('broadcast', (n) => got.push(n.offset));
  await h.advance(0);
  streams[0].write(sse('welcome', welcome([{ channel: 'broadcast', epoch: 'E', offset: 0, recovered: true }]))
    + sse('notification', notification('broadcast', 'E', 1)) + sse('notification', notification('broadcast', 'E', 2)));
  await h.advance(5000);
  assert.deepEqual(got, [1, 2]);
  assert.deepEqual(errors, ['handler broadcast', 'handler broadcast']);
  assert.equal(streams.length, 1);
  assert.equal(h.client.state, 'connected');
});

test('a long-poll client with a token polls one constant URL, the cursor in Last-Event-ID', async () => {
  const requests = [];
  let offset = 0;
  const h = harness({
    transports: ['long-poll'],
    respond: async (url, init) => {
      requests.push({ url, cursor: init.headers['Last-Event-ID'] });
      if (requests.length > 4) return pending(init.signal);
      offset++;
      return json(200, { notifications: [notification('broadcast', 'E', offset)],
        cursor: encodeCursor({ broadcast: { epoch: 'E', offset } }), recovered: true, more: false });
    },
  });
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  const longPolls = requests.slice(1);
  assert.equal(new Set(longPolls.map((r) => r.url)).size, 1, longPolls.map((r) => r.url).join('\n'));
  assert.doesNotMatch(longPolls[0].url, /cursor=/);
  assert.deepEqual(longPolls.map((r) => r.cursor).slice(0, 3),
    [1, 2, 3].map((o) => encodeCursor({ broadcast: { epoch: 'E', offset: o } })));
});

/** A client long-polling `broadcast` through `answers`, then waiting; the gaps it reported. */
async function longPollGaps(answers) {
  const h = harness({
    transports: ['long-poll'],
    respond: async (url, init) => (answers.length ? json(200, answers.shift()) : pending(init.signal)),
  });
  const gaps = [];
  h.client.addEventListener('gap', (e) => gaps.push(e.detail));
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  return { h, gaps };
}

test('a later long-poll answer that moved past what it delivered reports a gap', async () => {
  const answers = [
    { notifications: [], cursor: encodeCursor({ broadcast: { epoch: 'E', offset: 2 } }), recovered: true, more: false },
    { notifications: [notification('broadcast', 'E', 9)], cursor: encodeCursor({ broadcast: { epoch: 'E', offset: 9 } }), recovered: false, more: false },
    { notifications: [], cursor: encodeCursor({ broadcast: { epoch: 'F', offset: 4 } }), recovered: false, more: false },
  ];
  const { h, gaps } = await longPollGaps(answers);
  assert.deepEqual(gaps, [
    { channel: 'broadcast', from: { epoch: 'E', offset: 2 }, to: { epoch: 'E', offset: 8 } },
    { channel: 'broadcast', from: { epoch: 'E', offset: 9 }, to: { epoch: 'F', offset: 4 } },
  ]);
});

test('a skipped offset in a recovered stream is an expired notification, not a gap', async () => {
  const h = harness();
  const gaps = [];
  const got = [];
  h.client.addEventListener('gap', (e) => gaps.push(e.detail));
  h.client.subscribe('broadcast', (n) => got.push(n.offset));
  await h.advance(0);
  h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'E', offset: 1, recovered: true }]));
  h.socket().receive(notification('broadcast', 'E', 4));
  h.socket().receive(notification('broadcast', 'E', 5));
  assert.deepEqual(got, [4, 5]);
  assert.deepEqual(gaps, []);
  assert.deepEqual(h.client.positions.broadcast, { epoch: 'E', offset: 5 });
});

test('a recovered long-poll answer whose cursor moved past what it delivered skipped expired ones, not a gap', async () => {
  const answers = [
    { notifications: [], cursor: encodeCursor({ broadcast: { epoch: 'E', offset: 2 } }), recovered: true, more: false },
    { notifications: [notification('broadcast', 'E', 4)], cursor: encodeCursor({ broadcast: { epoch: 'E', offset: 6 } }), recovered: true, more: false },
  ];
  const { h, gaps } = await longPollGaps(answers);
  assert.deepEqual(gaps, []);
  assert.deepEqual(h.client.positions.broadcast, { epoch: 'E', offset: 6 });
});

test('a resume with recovered:false reports a gap from the old position', async () => {
  const h = harness();
  const gaps = [];
  h.client.addEventListener('gap', (e) => gaps.push(e.detail));
  h.client.subscribe('broadcast', () => {});
  await h.advance(0);
  h.client.positions.broadcast = { epoch: 'OLD', offset: 40 };
  h.socket().receive(welcome([{ channel: 'broadcast', epoch: 'NEW', offset: 2, recovered: false }]));
  h.socket().receive(notification('broadcast', 'NEW', 1));
  assert.deepEqual(gaps, [{ channel: 'broadcast', from: { epoch: 'OLD', offset: 40 }, to: { epoch: 'NEW', offset: 2 } }]);
});

test('close() from a handler delivers nothing more, not even the rest of the chunk', async () => {
  const { h, streams } = sseHarness();
  const got = [];
  h.client.subscribe('broadcast', (n) => {
    got.push(n.offset);
    h.client.close();
  });
  await h.advance(0);
  streams[0].write(sse('welcome', welcome([{ channel: 'broadcast', epoch: 'E', offset: 0, recovered: true }]))
    + sse('notification', notification('broadcast', 'E', 1)) + sse('notification', notification('broadcast', 'E', 2)));
  await h.advance(60000);
  assert.deepEqual(got, [1]);
  assert.equal(streams.length, 1);
  assert.equal(h.client.state, 'closed');
});

test('the cursor never outgrows what the relay accepts; the channels left out are reported', async () => {
  const h = harness();
  const gaps = [];
  h.client.addEventListener('gap', (e) => gaps.push(e.detail.channel));
  const channels = Array.from({ length: 60 }, (_, i) => `team:${'x'.repeat(40)}-${i}`);
  for (const channel of channels) {
    h.client.subscribe(channel, () => {});
    h.client.positions[channel] = { epoch: 'M-PCVZNU', offset: 123456 };
  }
  await h.advance(0);
  const cursor = new URL(h.socket().url.replace(/^ws/, 'http')).searchParams.get('cursor');
  assert.ok(cursor.length <= 4096, `${cursor.length}`);
  assert.ok(gaps.length > 0 && gaps.length < 60);
});
