// Relay browser client: subscribe in three lines, never miss a notification.
//
//   import { RelayClient } from '/client/relay.js';
//   const relay = new RelayClient('https://relay.example.com', { getToken: () => fetchMyToken() });
//   relay.subscribe('user:alice', n => show(n));
//
// It tracks each channel's epoch and offset and resumes after every reconnect (one cursor for all
// transports), reconnects with jittered exponential backoff, refreshes its token on 4001, and falls
// back from WebSocket to SSE to long-polling when a transport cannot be used, upgrading back later.
// With no token at all it relies on the relay_token cookie (same origin or an allowed origin).
// No runtime dependency: WebSocket, fetch and streams are the platform's (or injected, for tests).

// WebSocket codes (and HTTP statuses for SSE and long-polling) after which retrying cannot help
const STOP_CODES = new Set([1003, 1008, 1009, 4003, 400, 403]);
const DEFAULTS = {
  transports: ['websocket', 'sse', 'long-poll'],
  backoffInitialMs: 500,
  backoffMaxMs: 30000,
  // a WebSocket that closes before its welcome, or within this long, counts as "cannot be used here"
  quickFailureMs: 3000,
  // on a fallback transport, try WebSocket again after this long
  upgradeAfterMs: 60000,
  longPollTimeoutSeconds: 25,
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

export class RelayClient extends EventTarget {
  /**
   * @param {string} url the relay's base URL (http(s)://host[:port])
   * @param {object} options token | getToken (async, for 4001 and reconnects), transports,
   *   backoffInitialMs, backoffMaxMs, upgradeAfterMs, and for tests: WebSocket, fetch, setTimeout,
   *   clearTimeout, random, now
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
    };
    this.handlers = new Map(); // channel -> Set(handler)
    this.positions = {}; // channel -> {epoch, offset}
    this.state = 'idle';
    this.transport = null;
    this.transportIndex = 0;
    this.attempt = 0;
    this.session = null; // the current connection's stop function
    this.timer = null;
    this.upgradeTimer = null;
    this.stopped = false;
  }

  /** Subscribes `handler` to a channel (the personal channel is always subscribed; pass it to get its notifications). */
  subscribe(channel, handler) {
    const first = !this.handlers.has(channel);
    if (first) this.handlers.set(channel, new Set());
    this.handlers.get(channel).add(handler);
    if (first && this.state !== 'idle') this.reconnectNow(); // the new channel joins the cursor and the URL
    if (this.state === 'idle') this.connect();
    return () => this.unsubscribe(channel, handler);
  }

  unsubscribe(channel, handler) {
    const set = this.handlers.get(channel);
    if (!set) return;
    if (handler) set.delete(handler); else set.clear();
    if (set.size === 0) {
      this.handlers.delete(channel);
      delete this.positions[channel];
      if (this.transport === 'websocket' && this.socket?.readyState === 1) {
        this.socket.send(JSON.stringify({ op: 'unsubscribe', channel }));
      }
    }
  }

  /** The cursor covering every channel seen so far, or null before any. */
  cursor() {
    return Object.keys(this.positions).length ? encodeCursor(this.positions) : null;
  }

  connect() {
    this.stopped = false;
    this.open();
  }

  /** Stops for good (until connect()). */
  close() {
    this.stopped = true;
    this.clearTimers();
    this.session?.();
    this.session = null;
    this.setState('closed');
  }

  // --- connection lifecycle -------------------------------------------------------------------

  open() {
    if (this.stopped) return;
    this.clearTimers();
    const transports = this.options.transports;
    this.transport = transports[Math.min(this.transportIndex, transports.length - 1)];
    this.setState('connecting');
    const opened = this.env.now();
    const run = { welcomed: false, opened };
    const done = (outcome) => this.ended(run, outcome);
    if (this.transport === 'websocket') this.session = this.openWebSocket(run, done);
    else if (this.transport === 'sse') this.session = this.openStream(run, done);
    else this.session = this.openLongPoll(run, done);
  }

  /** A connection ended: `outcome` = {code, reason, reconnect}. Decides what comes next. */
  ended(run, outcome) {
    this.session = null;
    if (this.stopped) return;
    const code = outcome.code;
    if (STOP_CODES.has(code) || outcome.reconnect === false) {
      this.stopped = true;
      this.clearTimers();
      this.setState('stopped', { code, reason: outcome.reason });
      return;
    }
    if (code === 4001 || code === 401) {
      this.refreshToken().then(() => this.scheduleReconnect(0), () => this.scheduleReconnect());
      return;
    }
    const quick = !run.welcomed || this.env.now() - run.opened < this.options.quickFailureMs;
    if (quick && !outcome.clean && this.transportIndex < this.options.transports.length - 1) {
      // Fall back only when the relay itself answers: then this transport cannot be used here (a
      // proxy without Upgrade, a buffering proxy). A relay that is down is simply retried.
      this.reachable().then((up) => {
        if (this.stopped) return;
        if (up) {
          this.transportIndex++;
          this.scheduleReconnect(0);
        } else {
          this.scheduleReconnect();
        }
      });
      return;
    }
    this.scheduleReconnect();
  }

  async reachable() {
    try {
      const response = await this.env.fetch(this.url + '/q/health/live', { credentials: 'include' });
      return response.ok;
    } catch {
      return false;
    }
  }

  scheduleReconnect(delay) {
    this.clearTimers();
    const wait = delay ?? backoffDelay(this.attempt++, this.options, this.env.random);
    this.setState('disconnected', { retryInMs: wait });
    this.timer = this.env.setTimeout(() => this.open(), wait);
  }

  reconnectNow() {
    this.session?.();
    this.session = null;
    this.scheduleReconnect(0);
  }

  /** A transport started: `welcome.channels` (WebSocket, SSE) or `welcome.recovered` (polling). */
  welcomed(run, welcome) {
    run.welcomed = true;
    this.attempt = 0;
    for (const start of welcome.channels ?? []) {
      if (!start.recovered) {
        // history was lost (a new epoch, or too old): whatever is retained follows, counted from 0
        this.positions[start.channel] = { epoch: start.epoch, offset: 0 };
      } else if (!this.positions[start.channel]) {
        this.positions[start.channel] = { epoch: start.epoch, offset: start.offset };
      }
    }
    const recovered = welcome.recovered ?? (welcome.channels ?? []).every((c) => c.recovered);
    const detail = { ...welcome, recovered, transport: this.transport };
    this.setState('connected', { welcome: detail });
    this.emit('welcome', detail);
    if (this.transportIndex > 0 && this.options.upgradeAfterMs > 0) {
      this.upgradeTimer = this.env.setTimeout(() => {
        // try WebSocket again; if it still cannot be used, ended() falls back once more
        this.transportIndex = 0;
        this.reconnectNow();
      }, this.options.upgradeAfterMs);
    }
  }

  deliver(notification) {
    const known = this.positions[notification.channel];
    if (known && known.epoch === notification.epoch && notification.offset <= known.offset) return; // seen
    this.positions[notification.channel] = { epoch: notification.epoch, offset: notification.offset };
    for (const handler of this.handlers.get(notification.channel) ?? []) handler(notification);
    this.emit('notification', notification);
  }

  async refreshToken() {
    if (this.options.getToken) this.token = await this.options.getToken();
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

  clearTimers() {
    if (this.timer) this.env.clearTimeout(this.timer);
    if (this.upgradeTimer) this.env.clearTimeout(this.upgradeTimer);
    this.timer = this.upgradeTimer = null;
  }

  query(extra = {}) {
    const params = new URLSearchParams();
    for (const channel of this.handlers.keys()) params.append('channel', channel);
    const cursor = this.cursor();
    if (cursor) params.set('cursor', cursor);
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    const text = params.toString();
    return text ? '?' + text : '';
  }

  headers() {
    return this.token ? { Authorization: 'Bearer ' + this.token } : {};
  }

  // --- transports -----------------------------------------------------------------------------

  openWebSocket(run, done) {
    const wsUrl = this.url.replace(/^http/, 'ws') + '/ws' + this.query();
    const protocols = this.token ? ['relay.v1', 'relay.bearer.' + this.token] : ['relay.v1'];
    let socket;
    try {
      socket = new this.env.WebSocket(wsUrl, protocols);
    } catch (e) {
      this.env.setTimeout(() => done({ code: 1006, reason: String(e) }), 0);
      return () => {};
    }
    this.socket = socket;
    let finished = false;
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'welcome') this.welcomed(run, message);
      else if (message.type === 'notification') this.deliver(message);
      else if (message.type === 'error') this.emit('error', message);
    };
    socket.onclose = (event) => {
      if (finished) return;
      finished = true;
      done({ code: event.code, reason: event.reason, clean: run.welcomed && event.code !== 1006 });
    };
    return () => {
      finished = true;
      socket.onclose = socket.onmessage = null;
      socket.close(1000);
    };
  }

  openStream(run, done) {
    const controller = new AbortController();
    const finish = once(done);
    (async () => {
      const response = await this.env.fetch(this.url + '/api/v1/notifications/stream' + this.query(), {
        headers: { ...this.headers(), Accept: 'text/event-stream' }, credentials: 'include', signal: controller.signal,
      });
      if (!response.ok) return finish({ code: response.status, reason: response.statusText });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let event = { type: 'message', data: [] };
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (event.data.length) this.streamEvent(run, event.type, event.data.join('\n'), finish);
            event = { type: 'message', data: [] };
          } else if (line.startsWith('event:')) event.type = line.slice(6).trim();
          else if (line.startsWith('data:')) event.data.push(line.slice(5).replace(/^ /, ''));
        }
      }
      finish({ code: 1006, reason: 'stream ended', clean: run.welcomed });
    })().catch((e) => finish({ code: 1006, reason: String(e) }));
    return () => {
      finish.cancel();
      controller.abort();
    };
  }

  streamEvent(run, type, data, finish) {
    const message = JSON.parse(data);
    if (type === 'welcome') this.welcomed(run, message);
    else if (type === 'notification') this.deliver(message);
    else if (type === 'close') finish({ code: message.code, reason: message.reason, reconnect: message.reconnect, clean: true });
  }

  openLongPoll(run, done) {
    const controller = new AbortController();
    const finish = once(done);
    (async () => {
      // the first request answers at once: the welcome of this transport
      let path = '/api/v1/notifications';
      for (;;) {
        const extra = path.endsWith('long-poll') ? { timeout: this.options.longPollTimeoutSeconds } : {};
        const response = await this.env.fetch(this.url + path + this.query(extra), {
          headers: this.headers(), credentials: 'include', signal: controller.signal,
        });
        if (!response.ok) return finish({ code: response.status, reason: response.statusText });
        const answer = await response.json();
        if (!run.welcomed) this.welcomed(run, { type: 'welcome', recovered: answer.recovered });
        for (const notification of answer.notifications) this.deliver(notification);
        this.absorbCursor(answer.cursor);
        if (answer.close) return finish({ code: answer.close.code, reason: answer.close.reason, reconnect: answer.close.reconnect, clean: true });
        path = answer.more ? '/api/v1/notifications' : '/api/v1/notifications/long-poll';
      }
    })().catch((e) => finish({ code: 1006, reason: String(e) }));
    return () => {
      finish.cancel();
      controller.abort();
    };
  }

  /** Takes the positions of channels that had nothing new (a poll's cursor covers every channel read). */
  absorbCursor(cursor) {
    const base64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const text = typeof atob === 'function' ? atob(base64) : Buffer.from(base64, 'base64').toString('ascii');
    for (const line of text.split('\n').slice(1, -1)) {
      const [channel, epoch, offset] = line.split(' ');
      const known = this.positions[channel];
      if (!known || known.epoch !== epoch || known.offset < Number(offset)) {
        this.positions[channel] = { epoch, offset: Number(offset) };
      }
    }
  }
}
