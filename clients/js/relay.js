// Relay browser client: subscribe in three lines, never miss a notification.
//
//   import { RelayClient } from '/client/relay.js';
//   const relay = new RelayClient('https://relay.example.com', { getToken: () => fetchMyToken() });
//   relay.subscribe('user:alice', n => show(n));
//
// It tracks each channel's epoch and offset and resumes after every reconnect (one cursor for all
// transports), reconnects with jittered exponential backoff (honouring Retry-After), renews its token
// on 401 and 4001, watches every connection for silence, and falls back from WebSocket to SSE to
// long-polling when a transport cannot be used, upgrading back later. One client holds at most one
// connection, whatever the order of calls; channels join and leave it without a reconnect. With no
// token at all it relies on the relay_token cookie (same origin or an allowed origin).
// No runtime dependency: WebSocket, fetch and streams are the platform's (or injected, for tests).

// WebSocket codes (and HTTP statuses for SSE and long-polling) after which retrying cannot help
const STOP_CODES = new Set([1003, 1008, 1009, 4003, 400, 403]);
// HTTP statuses that say when to come back (Retry-After)
const BUSY_CODES = new Set([429, 503]);
// consecutive getToken failures after which the client stops
const TOKEN_ATTEMPTS = 3;
// the relay refuses longer cursors (400)
const MAX_CURSOR_LENGTH = 4096;
const DEFAULTS = {
  transports: ['websocket', 'sse', 'long-poll'],
  backoffInitialMs: 500,
  backoffMaxMs: 30000,
  // a transport with no welcome within this long, or that closes within it, counts as "cannot be used
  // here" (a proxy refusing upgrades, answering 101 and nothing more, or buffering a stream)
  quickFailureMs: 3000,
  // the backoff starts again from its first step only after a connection stayed up this long
  healthyAfterMs: 10000,
  // on a fallback transport, try WebSocket again after this long
  upgradeAfterMs: 60000,
  longPollTimeoutSeconds: 25,
  // a tab visible again after being hidden this long checks its connection at once
  wakeAfterHiddenMs: 30000,
};

/** CRC-32 (IEEE) of an ASCII string, as 8 lower-case hex digits: the cursor's checksum. */
export function crc32(text) {
  let crc = ~0;
  for (let i = 0; i < text.length; i++) {
    crc ^= text.charCodeAt(i);
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (~crc >>> 0).toString(16).padStart(8, '0');
}

/** The cursor for {channel: {epoch, offset}}, encoded as docs/protocol.md says. */
export function encodeCursor(positions) {
  const text = 'v1\n' + Object.entries(positions).map(([channel, p]) => `${channel} ${p.epoch} ${p.offset}\n`).join('');
  const ascii = text + crc32(text);
  const base64 = typeof btoa === 'function' ? btoa(ascii) : Buffer.from(ascii, 'ascii').toString('base64');
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Channel error codes after which the channel is dropped: retrying the same request cannot help. */
const CHANNEL_REFUSALS = new Set(['forbidden', 'bad_request']);

/** `done`, callable once; `cancel()` makes later calls do nothing (the client closed it itself). */
function once(done) {
  let finished = false;
  const finish = (outcome) => {
    if (!finished) {
      finished = true;
      done(outcome);
    }
  };
  finish.cancel = () => { finished = true; };
  return finish;
}

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter in [50 %, 100 %]. */
export function backoffDelay(attempt, { backoffInitialMs, backoffMaxMs }, random = Math.random) {
  const ceiling = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** Retry-After of a response (seconds or an HTTP date) in ms, or 0 without one. */
export function retryAfterMs(response, now = Date.now()) {
  const value = response.headers?.get?.('Retry-After');
  if (!value) return 0;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 3600000) : 0;
}

export class RelayClient extends EventTarget {
  /**
   * @param {string} url the relay's base URL (http(s)://host[:port])
   * @param {object} options token | getToken (async, before the first connection without a token,
   *   and on 401/4001), transports, backoffInitialMs, backoffMaxMs, quickFailureMs, healthyAfterMs,
   *   upgradeAfterMs, longPollTimeoutSeconds, wakeAfterHiddenMs, and for tests: WebSocket, fetch,
   *   setTimeout, clearTimeout, random, now, window, document
   */
  constructor(url, options = {}) {
    super();
    this.url = url.replace(/\/$/, '');
    this.options = { ...DEFAULTS, ...options };
    this.token = options.token;
    this.env = {
      WebSocket: options.WebSocket ?? globalThis.WebSocket,
      fetch: options.fetch ?? globalThis.fetch?.bind(globalThis),
      setTimeout: options.setTimeout ?? globalThis.setTimeout.bind(globalThis),
      clearTimeout: options.clearTimeout ?? globalThis.clearTimeout.bind(globalThis),
      random: options.random ?? Math.random,
      now: options.now ?? (() => Date.now()),
      window: options.window ?? (typeof globalThis.addEventListener === 'function' ? globalThis : null),
      document: options.document ?? globalThis.document ?? null,
    };
    this.handlers = new Map(); // channel -> Map(handler -> onError or undefined)
    this.positions = {}; // channel -> {epoch, offset, resync?}
    this.dropped = new Set(); // channels unsubscribed or refused: what still arrives for them is ignored
    this.state = 'idle';
    this.transport = null;
    this.transportIndex = 0;
    this.attempt = 0;
    this.tokenFailures = 0;
    this.generation = 0; // bumped by connect() and close(): a pending step of an older one does nothing
    this.run = null; // the current connection: {transport, welcomed, opened, heard, stop(), changed(), check()}
    this.timer = null; // the next open()
    this.hiddenAt = null;
    this.onOnline = () => this.wake();
    this.onVisibility = () => this.visibilityChanged();
  }

  /**
   * Subscribes `handler` to a channel and connects when the client is idle. On an open connection the
   * channel joins it (a `subscribe` op on WebSocket, the next request on SSE and long-polling): no
   * reconnect. `onError` gets `{channel, code, message}` when the relay refuses the channel (the
   * channel is then dropped, the others go on). Returns a function that unsubscribes.
   * The personal channel is always subscribed; pass it to get its notifications.
   */
  subscribe(channel, handler, { onError } = {}) {
    const first = !this.handlers.has(channel);
    if (first) this.handlers.set(channel, new Map());
    this.handlers.get(channel).set(handler, onError);
    if (first) {
      this.dropped.delete(channel);
      this.run?.changed();
    }
    if (this.state === 'idle') this.connect();
    return () => this.unsubscribe(channel, handler);
  }

  /** Removes `handler` (or every handler) of a channel; the last one leaves the channel, without a reconnect. */
  unsubscribe(channel, handler) {
    const set = this.handlers.get(channel);
    if (!set) return;
    if (handler) set.delete(handler); else set.clear();
    if (set.size === 0) {
      this.handlers.delete(channel);
      delete this.positions[channel];
      this.dropped.add(channel);
      this.run?.changed();
    }
  }

  /** The cursor covering every channel seen so far, or null before any. */
  cursor() {
    return Object.keys(this.positions).length ? encodeCursor(this.positions) : null;
  }

  /** Connects, unless a connection is open or under way: calling it again changes nothing. */
  connect() {
    if (this.active()) return;
    this.generation++;
    this.transportIndex = 0;
    this.attempt = 0;
    this.tokenFailures = 0;
    this.env.window?.addEventListener('online', this.onOnline);
    this.env.document?.addEventListener?.('visibilitychange', this.onVisibility);
    this.setState('connecting');
    // channels subscribed in the same task go into the first request
    this.timer = this.env.setTimeout(() => this.open(), 0);
  }

  /** Ends the connection and every pending step; nothing is delivered after it, until connect(). Idempotent. */
  close() {
    if (this.state === 'idle' || this.state === 'closed') return;
    this.halt();
    this.setState('closed');
  }

  // --- connection lifecycle -------------------------------------------------------------------

  active() {
    return this.state === 'connecting' || this.state === 'connected' || this.state === 'disconnected';
  }

  /** Ends the current connection, every timer and every pending step; nothing reconnects. */
  halt() {
    this.generation++;
    if (this.timer) this.env.clearTimeout(this.timer);
    this.timer = null;
    if (this.run) this.endRun(this.run);
    this.env.window?.removeEventListener('online', this.onOnline);
    this.env.document?.removeEventListener?.('visibilitychange', this.onVisibility);
  }

  /** Stops for good (until connect()), telling why in `state` and an `error` event. */
  stop(code, reason) {
    this.halt();
    this.setState('stopped', { code, reason });
    this.emit('error', { type: 'error', code, message: reason });
  }

  open() {
    this.timer = null;
    if (!this.active() || this.run) return;
    if (this.options.getToken && !this.token) {
      this.renewToken(() => this.open());
      return;
    }
    const transports = this.options.transports;
    this.transport = transports[Math.min(this.transportIndex, transports.length - 1)];
    if (this.state !== 'connecting') this.setState('connecting');
    const now = this.env.now();
    const run = {
      transport: this.transport, welcomed: false, opened: now, heard: now, timers: new Set(), stopped: false,
      changed: () => {}, check: () => {}, stop: () => {},
    };
    run.after = (ms, fn) => {
      const id = this.env.setTimeout(() => {
        run.timers.delete(id);
        if (!run.stopped) fn();
      }, ms);
      run.timers.add(id);
    };
    const finish = once((outcome) => this.ended(run, outcome));
    this.run = run;
    if (this.transport === 'websocket') this.openWebSocket(run, finish);
    else if (this.transport === 'sse') this.openStream(run, finish);
    else this.openLongPoll(run, finish);
    run.after(this.options.quickFailureMs, () => {
      // a 101 that yields nothing, or a proxy that buffers the stream: this transport is unusable
      if (!run.welcomed) this.ended(run, { code: 1006, reason: 'no welcome within quickFailureMs' });
    });
  }

  /** Closes the run's transport and clears its timers. */
  endRun(run) {
    if (this.run === run) this.run = null;
    run.stop();
    run.stopped = true;
    for (const id of run.timers) this.env.clearTimeout(id);
    run.timers.clear();
  }

  /**
   * A connection ended: `outcome` = {code, reason, reconnect, clean, retryAfterMs}; `clean` when it
   * did not fail as a transport (the relay ended it, or it went silent after its welcome).
   */
  ended(run, outcome) {
    if (this.run !== run) return;
    this.endRun(run);
    const code = outcome.code;
    if (STOP_CODES.has(code) || outcome.reconnect === false) {
      this.stop(code, outcome.reason);
    } else if (code === 4001 || code === 401) {
      this.unauthorized(outcome.reason);
    } else if (BUSY_CODES.has(code)) {
      this.scheduleReconnect(undefined, outcome.retryAfterMs);
    } else if (!outcome.clean && (!run.welcomed || this.env.now() - run.opened < this.options.quickFailureMs)) {
      // failed before its welcome or at once: ask the relay why before deciding
      this.setState('disconnected', { retryInMs: 0 });
      this.diagnose();
    } else {
      this.scheduleReconnect();
    }
  }

  /** The token was refused: get a new one (getToken) and reconnect with backoff; a fixed token stops. */
  unauthorized(reason) {
    if (this.options.getToken) {
      this.token = null;
      this.scheduleReconnect(); // open() calls getToken first
    } else if (this.token) {
      this.stop(401, reason ?? 'the token was refused and there is no getToken to renew it');
    } else {
      this.scheduleReconnect(); // the cookie: the page may renew it
    }
  }

  /** Calls getToken, then `next`; after TOKEN_ATTEMPTS failures in a row, stops. */
  renewToken(next) {
    const generation = this.generation;
    if (this.state !== 'connecting') this.setState('disconnected', { retryInMs: 0 });
    Promise.resolve().then(() => this.options.getToken()).then((token) => {
      if (!token) throw new Error('getToken returned no token');
      return token;
    }).then((token) => {
      if (generation !== this.generation) return;
      this.token = token;
      this.tokenFailures = 0;
      next();
    }, (error) => {
      if (generation !== this.generation) return;
      if (++this.tokenFailures >= TOKEN_ATTEMPTS) this.stop('token', `getToken failed ${this.tokenFailures} times: ${error}`);
      else this.scheduleReconnect();
    });
  }

  /**
   * A transport failed fast (a browser tells nothing about a refused upgrade: every non-101 is close
   * 1006). Asks the relay with the same credentials and channels, over a poll that answers any
   * allowed origin: 200, the relay would accept us, so this transport cannot be used here (fall
   * back); 401, 403, 400, 429 or 503, its refusal; no answer or a proxy's 502, the relay is down
   * (retry the same transport).
   */
  async diagnose() {
    const generation = this.generation;
    let status = 0;
    let problem = {};
    let retryAfter = 0;
    try {
      const { query, headers } = this.request({ limit: 1 });
      const response = await this.env.fetch(this.url + '/api/v1/notifications' + query, { headers, credentials: 'include', cache: 'no-store' });
      status = response.status;
      retryAfter = retryAfterMs(response, this.env.now());
      if (!response.ok) problem = await response.json().catch(() => ({}));
    } catch {
      status = 0;
    }
    if (generation !== this.generation || this.state !== 'disconnected' || this.run || this.timer) return;
    if (status === 200) {
      const fallback = this.transportIndex < this.options.transports.length - 1;
      if (fallback) this.transportIndex++;
      this.scheduleReconnect(fallback ? 0 : undefined);
    } else if (status === 401) {
      this.unauthorized(problem.detail);
    } else if (status === 403 && this.droppable(problem.channel)) {
      this.refuse(problem.channel, 'forbidden', problem.detail);
      this.scheduleReconnect();
    } else if (STOP_CODES.has(status)) {
      this.stop(status, problem.detail);
    } else {
      this.scheduleReconnect(undefined, BUSY_CODES.has(status) ? retryAfter : 0);
    }
  }

  scheduleReconnect(delay, atLeastMs = 0) {
    if (this.timer) this.env.clearTimeout(this.timer);
    const wait = delay ?? Math.max(backoffDelay(this.attempt++, this.options, this.env.random), atLeastMs ?? 0);
    this.setState('disconnected', { retryInMs: wait });
    this.timer = this.env.setTimeout(() => this.open(), wait);
  }

  /** The network came back, or the tab is visible again: reconnect now, or check the connection now. */
  wake() {
    if (this.state === 'disconnected' && this.timer) {
      this.env.clearTimeout(this.timer);
      this.open();
    } else if (this.state === 'connected') {
      this.run?.check();
    }
  }

  visibilityChanged() {
    const hidden = this.env.document?.visibilityState === 'hidden';
    if (hidden) {
      this.hiddenAt = this.env.now();
    } else if (this.hiddenAt !== null) {
      const hiddenFor = this.env.now() - this.hiddenAt;
      this.hiddenAt = null;
      if (hiddenFor >= this.options.wakeAfterHiddenMs) this.wake();
    }
  }

  /** A transport started: `welcome.channels` (WebSocket, SSE) or `welcome.recovered` (polling). */
  welcomed(run, welcome) {
    if (run.welcomed) {
      // SSE's next stream after a channel change: only new starts
      for (const start of welcome.channels ?? []) this.started(start);
      return;
    }
    run.welcomed = true;
    run.heartbeat = welcome.heartbeat;
    for (const start of welcome.channels ?? []) this.started(start);
    const recovered = welcome.recovered ?? (welcome.channels ?? []).every((c) => c.recovered);
    const detail = { ...welcome, recovered, transport: this.transport };
    this.setState('connected', { welcome: detail });
    this.emit('welcome', detail);
    run.after(this.options.healthyAfterMs, () => {
      // only a connection that stays up earns a fresh backoff: one the relay closes at once does not
      this.attempt = 0;
    });
    if (run.heartbeat > 0) this.watch(run);
    if (this.transportIndex > 0 && this.options.upgradeAfterMs > 0) {
      run.after(this.options.upgradeAfterMs, () => {
        // try WebSocket again; if it still cannot be used, ended() falls back once more
        this.endRun(run);
        this.transportIndex = 0;
        this.scheduleReconnect(0);
      });
    }
  }

  /**
   * Watches the run for silence: after a heartbeat without a word, a WebSocket is pinged; after two,
   * the connection is taken as dead (half-open after a network change) and replaced.
   */
  watch(run) {
    const heartbeat = run.heartbeat;
    const check = () => {
      const silent = this.env.now() - run.heard;
      if (silent >= 2 * heartbeat) {
        this.ended(run, { code: 1006, reason: `nothing heard for ${silent} ms`, clean: true });
        return;
      }
      if (silent >= heartbeat) run.ping?.();
      run.after((silent >= heartbeat ? 2 * heartbeat : heartbeat) - silent, check);
    };
    run.after(heartbeat, check);
  }

  /** A channel's subscription started at `start` = {channel, epoch, offset, recovered}. */
  started(start) {
    const known = this.positions[start.channel];
    if (!start.recovered) {
      // history was lost (a new epoch, or too old): whatever is retained follows, counted from 0
      this.gap(start.channel, known, { epoch: start.epoch, offset: start.offset });
      this.positions[start.channel] = { epoch: start.epoch, offset: 0, resync: true };
    } else if (!known) {
      this.positions[start.channel] = { epoch: start.epoch, offset: start.offset };
    }
  }

  /**
   * `unrecovered`: the long-poll answer it came in said `recovered:false`, so a jump from the known
   * position is what history lost. Otherwise a skipped offset is a notification whose `ttl` passed,
   * which the relay leaves out of every replay (it reports lost history as `recovered:false`).
   */
  deliver(run, notification, unrecovered = false) {
    const channel = notification.channel;
    if (run.stopped || this.dropped.has(channel)) return;
    const known = this.positions[channel];
    if (known && known.epoch === notification.epoch && notification.offset <= known.offset) return; // seen
    if (unrecovered && known && !known.resync
        && (known.epoch === notification.epoch ? notification.offset > known.offset + 1 : notification.offset > 1)) {
      this.gap(channel, known, { epoch: notification.epoch, offset: notification.offset - 1 });
    }
    this.positions[channel] = { epoch: notification.epoch, offset: notification.offset };
    for (const handler of this.handlers.get(channel)?.keys() ?? []) {
      try {
        handler(notification);
      } catch (error) {
        // one broken handler must not cost the others, later notifications or the connection
        this.emit('error', { type: 'error', code: 'handler', channel, message: String(error), error });
      }
    }
    this.emit('notification', notification);
  }

  /** Notifications of `channel` after `from` up to `to` can no longer be had (the `recovered:false` of a resume). */
  gap(channel, from, to) {
    this.emit('gap', { channel, from: from ? { epoch: from.epoch, offset: from.offset } : null, to });
  }

  /** Whether a 403 naming `channel` can be answered by dropping that channel alone. */
  droppable(channel) {
    return Boolean(channel) && (this.handlers.has(channel) || channel in this.positions);
  }

  /** The relay refused one channel: its handlers get the error, the channel leaves, the others go on. */
  refuse(channel, code, message) {
    const detail = { channel, code, message };
    const handlers = this.handlers.get(channel);
    this.handlers.delete(channel);
    delete this.positions[channel];
    this.dropped.add(channel);
    for (const onError of handlers?.values() ?? []) onError?.(detail);
    this.emit('error', { type: 'error', ...detail });
  }

  setState(state, detail = {}) {
    this.state = state;
    this.emit('state', { state, transport: this.transport, ...detail });
  }

  /** Dispatches an event with `detail` (a plain Event: CustomEvent is not global on every node). */
  emit(type, detail) {
    const event = new Event(type);
    event.detail = detail;
    this.dispatchEvent(event);
  }

  /**
   * The positions the next request resumes from: those of channels still wanted, cut to what the
   * relay accepts (a channel left out resumes from now, and is reported as a gap).
   */
  resumePositions() {
    const positions = {};
    for (const [channel, position] of Object.entries(this.positions)) {
      if (!this.dropped.has(channel)) positions[channel] = position;
    }
    let channels = Object.keys(positions);
    while (channels.length && encodeCursor(positions).length > MAX_CURSOR_LENGTH) {
      const channel = channels.find((c) => !this.handlers.has(c)) ?? channels.at(-1);
      this.gap(channel, positions[channel], null);
      delete positions[channel];
      delete this.positions[channel];
      channels = Object.keys(positions);
    }
    return channels.length ? positions : null;
  }

  /**
   * The query and headers of a subscriber request. With a bearer token every request is preflighted
   * anyway, so the cursor goes in Last-Event-ID and the URL stays constant: the browser caches one
   * preflight for it instead of paying one per answer. Without a token (the cookie) the cursor stays
   * in the URL, which keeps the request simple (no preflight at all).
   */
  request(extra = {}, { cursorParam = false } = {}) {
    const params = new URLSearchParams();
    for (const channel of this.handlers.keys()) params.append('channel', channel);
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    const headers = this.token ? { Authorization: 'Bearer ' + this.token } : {};
    const positions = this.resumePositions();
    if (positions) {
      if (this.token && !cursorParam) headers['Last-Event-ID'] = encodeCursor(positions);
      else params.set('cursor', encodeCursor(positions));
    }
    const text = params.toString();
    return { query: text ? '?' + text : '', headers };
  }

  // --- transports -----------------------------------------------------------------------------

  openWebSocket(run, finish) {
    const wsUrl = this.url.replace(/^http/, 'ws') + '/ws' + this.request({}, { cursorParam: true }).query;
    const protocols = this.token ? ['relay.v1', 'relay.bearer.' + this.token] : ['relay.v1'];
    let socket;
    try {
      socket = new this.env.WebSocket(wsUrl, protocols);
    } catch (e) {
      this.env.setTimeout(() => finish({ code: 1006, reason: String(e) }), 0);
      return;
    }
    run.channels = new Set(); // what the relay has on this socket
    run.pending = new Set(); // subscribe ops sent, not answered yet
    run.changed = () => this.syncSocket(run, socket);
    run.ping = () => {
      if (socket.readyState === 1) socket.send('{"op":"ping"}');
    };
    run.check = () => {
      // after a network change: a live socket answers a ping at once, a dead one never does
      const asked = this.env.now();
      run.ping();
      run.after(this.options.quickFailureMs, () => {
        if (run.heard < asked) this.ended(run, { code: 1006, reason: 'no answer after a network change', clean: true });
      });
    };
    run.stop = () => {
      finish.cancel();
      socket.onclose = socket.onmessage = null;
      socket.close(1000);
    };
    socket.onmessage = (event) => {
      run.heard = this.env.now();
      this.socketMessage(run, socket, JSON.parse(event.data));
    };
    socket.onclose = (event) => finish({ code: event.code, reason: event.reason, clean: run.welcomed && event.code !== 1006 });
  }

  socketMessage(run, socket, message) {
    switch (message.type) {
      case 'welcome':
        for (const start of message.channels ?? []) run.channels.add(start.channel);
        this.welcomed(run, message);
        this.syncSocket(run, socket); // channels subscribed or left while the socket was opening
        break;
      case 'notification':
        this.deliver(run, message);
        break;
      case 'subscribed':
        run.pending.delete(message.channel);
        run.channels.add(message.channel);
        this.started(message);
        this.emit('subscribed', message);
        break;
      case 'unsubscribed':
        // the relay dropped a channel we hold (a refreshed token no longer grants it)
        if (run.channels.delete(message.channel) && this.handlers.has(message.channel)) {
          this.refuse(message.channel, 'forbidden', 'the relay unsubscribed this channel');
        }
        break;
      case 'error':
        this.socketError(run, socket, message);
        break;
      default:
        break;
    }
  }

  socketError(run, socket, error) {
    const channel = error.channel;
    if (!channel) {
      this.emit('error', error);
      return;
    }
    run.pending.delete(channel);
    if (error.code === 'already_subscribed') {
      run.channels.add(channel);
    } else if (CHANNEL_REFUSALS.has(error.code)) {
      this.refuse(channel, error.code, error.message);
    } else {
      // unavailable, rate_limited: the channel stays wanted, its subscribe is sent again later
      this.emit('error', error);
      run.after(backoffDelay(0, this.options, this.env.random), () => this.syncSocket(run, socket));
    }
  }

  /** Makes the socket's channels what the handlers want: subscribe ops (resuming where known), unsubscribe ops. */
  syncSocket(run, socket) {
    if (!run.welcomed || this.run !== run || socket.readyState !== 1) return;
    for (const channel of this.handlers.keys()) {
      if (run.channels.has(channel) || run.pending.has(channel)) continue;
      const known = this.positions[channel];
      socket.send(JSON.stringify(known ? { op: 'subscribe', channel, epoch: known.epoch, offset: known.offset } : { op: 'subscribe', channel }));
      run.pending.add(channel);
    }
    for (const channel of run.channels) {
      if (!this.dropped.has(channel)) continue;
      socket.send(JSON.stringify({ op: 'unsubscribe', channel }));
      run.channels.delete(channel);
    }
  }

  /**
   * Runs HTTP requests one after another until the connection ends: `request(signal, abort)` answers
   * an outcome to end with, or null for the next request. A channel change aborts the request under
   * way and starts the next one with the new channel set, without a reconnect.
   */
  requestLoop(run, finish, request) {
    let controller = null;
    let restart = false;
    run.changed = () => {
      restart = true;
      controller?.abort();
    };
    run.check = run.changed; // after a network change: a new request, from the cursor
    run.stop = () => {
      finish.cancel();
      run.stopped = true;
      controller?.abort();
    };
    (async () => {
      while (!run.stopped) {
        controller = new AbortController();
        restart = false;
        const current = controller;
        try {
          const outcome = await request(current.signal, () => current.abort());
          if (outcome) return finish(outcome);
        } catch (e) {
          if (run.stopped) return;
          if (!restart) return finish({ code: 1006, reason: String(e) });
        }
      }
    })();
  }

  /**
   * A refused HTTP request: a 403 naming a channel this client can drop is that channel's refusal
   * (null: go on with the others); anything else ends the connection, with its Retry-After.
   */
  async refused(response) {
    const problem = await response.json().catch(() => ({}));
    if (response.status === 403 && this.droppable(problem.channel)) {
      this.refuse(problem.channel, 'forbidden', problem.detail);
      return null;
    }
    return { code: response.status, reason: problem.detail ?? response.statusText, retryAfterMs: retryAfterMs(response, this.env.now()) };
  }

  openStream(run, finish) {
    this.requestLoop(run, finish, async (signal) => {
      const { query, headers } = this.request({}, { cursorParam: true });
      const response = await this.env.fetch(this.url + '/api/v1/notifications/stream' + query, {
        headers: { ...headers, Accept: 'text/event-stream' }, credentials: 'include', signal,
      });
      if (!response.ok) return this.refused(response);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let event = { type: 'message', data: [] };
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        run.heard = this.env.now(); // heartbeat comments count
        buffer += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          if (run.stopped) return null;
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (event.data.length) {
              const outcome = this.streamEvent(run, event.type, event.data.join('\n'));
              if (outcome) return outcome;
            }
            event = { type: 'message', data: [] };
          } else if (line.startsWith('event:')) event.type = line.slice(6).trim();
          else if (line.startsWith('data:')) event.data.push(line.slice(5).replace(/^ /, ''));
        }
      }
      return { code: 1006, reason: 'stream ended', clean: run.welcomed };
    });
  }

  streamEvent(run, type, data) {
    const message = JSON.parse(data);
    if (type === 'welcome') this.welcomed(run, message);
    else if (type === 'notification') this.deliver(run, message);
    else if (type === 'close') return { code: message.code, reason: message.reason, reconnect: message.reconnect, clean: true };
    return null;
  }

  openLongPoll(run, finish) {
    // the first request, and the first after a channel change, answer at once
    let waiting = false;
    this.requestLoop(run, finish, async (signal, abort) => {
      const path = waiting ? '/api/v1/notifications/long-poll' : '/api/v1/notifications';
      const { query, headers } = this.request(waiting ? { timeout: this.options.longPollTimeoutSeconds } : {});
      waiting = false;
      // a long-poll unanswered well past its timeout went into a dead connection
      let expired = false;
      const deadline = this.env.setTimeout(() => {
        expired = true;
        abort();
      }, this.options.longPollTimeoutSeconds * 1000 + this.options.quickFailureMs);
      let answer;
      try {
        const response = await this.env.fetch(this.url + path + query, { headers, credentials: 'include', signal });
        if (!response.ok) return this.refused(response);
        answer = await response.json();
      } catch (e) {
        if (expired) return { code: 1006, reason: 'no answer within the long-poll timeout', clean: true };
        throw e;
      } finally {
        this.env.clearTimeout(deadline);
      }
      if (!run.welcomed) this.welcomed(run, { type: 'welcome', recovered: answer.recovered });
      run.heard = this.env.now();
      for (const notification of answer.notifications) this.deliver(run, notification, !answer.recovered);
      if (run.stopped) return null;
      this.absorbCursor(answer.cursor, !answer.recovered);
      if (answer.close) return { code: answer.close.code, reason: answer.close.reason, reconnect: answer.close.reconnect, clean: true };
      waiting = !answer.more;
      return null;
    });
    const restart = run.changed;
    run.changed = run.check = () => {
      waiting = false;
      restart();
    };
  }

  /**
   * Takes the positions of channels that had nothing new (a poll's cursor covers every channel read).
   * In an `unrecovered` answer, a position that moved with nothing delivered is a gap (what was missed
   * is no longer retained); in a recovered one, it moved past notifications whose `ttl` passed.
   */
  absorbCursor(cursor, unrecovered) {
    const base64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const text = typeof atob === 'function' ? atob(base64) : Buffer.from(base64, 'base64').toString('ascii');
    for (const line of text.split('\n').slice(1, -1)) {
      const [channel, epoch, text] = line.split(' ');
      const offset = Number(text);
      if (this.dropped.has(channel)) continue;
      const known = this.positions[channel];
      if (known && known.epoch === epoch && known.offset >= offset) continue;
      if (unrecovered && known && !known.resync && (known.epoch === epoch || offset > 0)) this.gap(channel, known, { epoch, offset });
      this.positions[channel] = { epoch, offset };
    }
  }
}
