// Relay browser client: subscribe in three lines, never miss a notification.
//
//   import { RelayClient } from '/client/relay.js';
//   const relay = new RelayClient('https://relay.example.com', { getToken: () => fetchMyToken() });
//   relay.subscribe('user:alice', n => show(n));
//
// It tracks each channel's epoch and offset and resumes after every reconnect (one cursor for all
// transports), reconnects with jittered exponential backoff, refreshes its token on 4001, and falls
// back from WebSocket to SSE to long-polling when a transport cannot be used, upgrading back later.
// One client holds at most one connection, whatever the order of calls; channels join and leave it
// without a reconnect. With no token at all it relies on the relay_token cookie (same origin or an
// allowed origin).
// No runtime dependency: WebSocket, fetch and streams are the platform's (or injected, for tests).

// WebSocket codes (and HTTP statuses for SSE and long-polling) after which retrying cannot help
const STOP_CODES = new Set([1003, 1008, 1009, 4003, 400, 403]);
const DEFAULTS = {
  transports: ['websocket', 'sse', 'long-poll'],
  backoffInitialMs: 500,
  backoffMaxMs: 30000,
  // a transport with no welcome within this long, or that closes within it, counts as "cannot be used
  // here" (a proxy refusing upgrades, answering 101 and nothing more, or buffering a stream)
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

export class RelayClient extends EventTarget {
  /**
   * @param {string} url the relay's base URL (http(s)://host[:port])
   * @param {object} options token | getToken (async, for 4001 and reconnects), transports,
   *   backoffInitialMs, backoffMaxMs, quickFailureMs, upgradeAfterMs, longPollTimeoutSeconds, and
   *   for tests: WebSocket, fetch, setTimeout, clearTimeout, random, now
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
    this.handlers = new Map(); // channel -> Map(handler -> onError or undefined)
    this.positions = {}; // channel -> {epoch, offset}
    this.dropped = new Set(); // channels unsubscribed or refused: what still arrives for them is ignored
    this.state = 'idle';
    this.transport = null;
    this.transportIndex = 0;
    this.attempt = 0;
    this.run = null; // the current connection: {transport, welcomed, opened, stop(), changed()}
    this.timer = null;
    this.upgradeTimer = null;
    this.welcomeTimer = null;
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
    if (this.state === 'connecting' || this.state === 'connected' || this.state === 'disconnected') return;
    this.transportIndex = 0;
    this.attempt = 0;
    this.setState('connecting');
    // channels subscribed in the same task go into the first request
    this.timer = this.env.setTimeout(() => this.open(), 0);
  }

  /** Closes the connection and stops until connect(); calling it again changes nothing. */
  close() {
    if (this.state === 'idle' || this.state === 'closed') return;
    this.halt();
    this.setState('closed');
  }

  // --- connection lifecycle -------------------------------------------------------------------

  active() {
    return this.state === 'connecting' || this.state === 'connected' || this.state === 'disconnected';
  }

  /** Ends the current connection and every timer; nothing reconnects. */
  halt() {
    this.clearTimers();
    const run = this.run;
    this.run = null;
    run?.stop();
  }

  open() {
    if (!this.active()) return;
    this.clearTimers();
    const transports = this.options.transports;
    this.transport = transports[Math.min(this.transportIndex, transports.length - 1)];
    if (this.state !== 'connecting') this.setState('connecting');
    const run = { transport: this.transport, welcomed: false, opened: this.env.now(), changed: () => {} };
    const finish = once((outcome) => this.ended(run, outcome));
    this.run = run;
    if (this.transport === 'websocket') this.openWebSocket(run, finish);
    else if (this.transport === 'sse') this.openStream(run, finish);
    else this.openLongPoll(run, finish);
    this.welcomeTimer = this.env.setTimeout(() => {
      if (run.welcomed || this.run !== run) return;
      // a 101 that yields nothing, or a proxy that buffers the stream: this transport is unusable
      run.stop();
      this.ended(run, { code: 1006, reason: 'no welcome within quickFailureMs' });
    }, this.options.quickFailureMs);
  }

  /** A connection ended: `outcome` = {code, reason, reconnect, clean}. Decides what comes next. */
  ended(run, outcome) {
    if (this.run !== run) return;
    this.run = null;
    this.clearTimers();
    const code = outcome.code;
    if (STOP_CODES.has(code) || outcome.reconnect === false) {
      this.setState('stopped', { code, reason: outcome.reason });
      return;
    }
    if (code === 4001 || code === 401) {
      this.setState('disconnected', { retryInMs: 0 });
      this.refreshToken().then(() => 0, () => undefined).then((delay) => {
        if (this.waiting()) this.scheduleReconnect(delay);
      });
      return;
    }
    const quick = !run.welcomed || this.env.now() - run.opened < this.options.quickFailureMs;
    if (quick && !outcome.clean && this.transportIndex < this.options.transports.length - 1) {
      // Fall back only when the relay itself answers: then this transport cannot be used here (a
      // proxy without Upgrade, a buffering proxy). A relay that is down is simply retried.
      this.setState('disconnected', { retryInMs: 0 });
      this.reachable().then((up) => {
        if (!this.waiting()) return;
        if (up) this.transportIndex++;
        this.scheduleReconnect(up ? 0 : undefined);
      });
      return;
    }
    this.scheduleReconnect();
  }

  /** Still disconnected with nothing under way: not closed, nor connected again, while a probe or a token refresh ran. */
  waiting() {
    return this.state === 'disconnected' && !this.run && !this.timer;
  }

  /** Whether the relay answers its liveness probe (CORS-granted to allowed origins, no credentials needed). */
  async reachable() {
    try {
      const response = await this.env.fetch(this.url + '/q/health/live', { credentials: 'omit', cache: 'no-store' });
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

  /** A transport started: `welcome.channels` (WebSocket, SSE) or `welcome.recovered` (polling). */
  welcomed(run, welcome) {
    if (run.welcomed) {
      // SSE's next stream after a channel change: only new starts
      for (const start of welcome.channels ?? []) this.started(start);
      return;
    }
    run.welcomed = true;
    this.attempt = 0;
    if (this.welcomeTimer) this.env.clearTimeout(this.welcomeTimer);
    this.welcomeTimer = null;
    for (const start of welcome.channels ?? []) this.started(start);
    const recovered = welcome.recovered ?? (welcome.channels ?? []).every((c) => c.recovered);
    const detail = { ...welcome, recovered, transport: this.transport };
    this.setState('connected', { welcome: detail });
    this.emit('welcome', detail);
    if (this.transportIndex > 0 && this.options.upgradeAfterMs > 0) {
      this.upgradeTimer = this.env.setTimeout(() => {
        // try WebSocket again; if it still cannot be used, ended() falls back once more
        if (this.run !== run) return;
        this.transportIndex = 0;
        this.run = null;
        run.stop();
        this.scheduleReconnect(0);
      }, this.options.upgradeAfterMs);
    }
  }

  /** A channel's subscription started at `start` = {channel, epoch, offset, recovered}. */
  started(start) {
    if (!start.recovered) {
      // history was lost (a new epoch, or too old): whatever is retained follows, counted from 0
      this.positions[start.channel] = { epoch: start.epoch, offset: 0 };
    } else if (!this.positions[start.channel]) {
      this.positions[start.channel] = { epoch: start.epoch, offset: start.offset };
    }
  }

  deliver(notification) {
    if (this.dropped.has(notification.channel)) return;
    const known = this.positions[notification.channel];
    if (known && known.epoch === notification.epoch && notification.offset <= known.offset) return; // seen
    this.positions[notification.channel] = { epoch: notification.epoch, offset: notification.offset };
    for (const handler of this.handlers.get(notification.channel)?.keys() ?? []) handler(notification);
    this.emit('notification', notification);
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
    for (const timer of [this.timer, this.upgradeTimer, this.welcomeTimer]) {
      if (timer) this.env.clearTimeout(timer);
    }
    this.timer = this.upgradeTimer = this.welcomeTimer = null;
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

  openWebSocket(run, finish) {
    const wsUrl = this.url.replace(/^http/, 'ws') + '/ws' + this.query();
    const protocols = this.token ? ['relay.v1', 'relay.bearer.' + this.token] : ['relay.v1'];
    run.stop = () => {};
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
    run.stop = () => {
      finish.cancel();
      socket.onclose = socket.onmessage = null;
      socket.close(1000);
    };
    socket.onmessage = (event) => this.socketMessage(run, socket, JSON.parse(event.data));
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
        this.deliver(message);
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
      this.env.setTimeout(() => this.syncSocket(run, socket), backoffDelay(0, this.options, this.env.random));
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
   * Runs HTTP requests one after another until the connection ends: `request(signal)` answers an
   * outcome to end with, or null for the next request. A channel change aborts the request under way
   * and starts the next one with the new channel set, without a reconnect.
   */
  requestLoop(run, finish, request) {
    let controller = null;
    let restart = false;
    run.changed = () => {
      restart = true;
      controller?.abort();
    };
    run.stop = () => {
      finish.cancel();
      run.stopped = true;
      controller?.abort();
    };
    (async () => {
      for (;;) {
        controller = new AbortController();
        restart = false;
        try {
          const outcome = await request(controller.signal);
          if (outcome) return finish(outcome);
        } catch (e) {
          if (run.stopped) return;
          if (!restart) return finish({ code: 1006, reason: String(e) });
        }
      }
    })();
  }

  /**
   * A refusal of one HTTP request: a 403 naming a channel this client can drop is that channel's
   * refusal (null: go on with the others); anything else ends the connection.
   */
  async refused(response) {
    if (response.status === 403) {
      const problem = await response.json().catch(() => ({}));
      if (problem.channel && (this.handlers.has(problem.channel) || this.positions[problem.channel])) {
        this.refuse(problem.channel, 'forbidden', problem.detail);
        return null;
      }
    }
    return { code: response.status, reason: response.statusText };
  }

  openStream(run, finish) {
    this.requestLoop(run, finish, async (signal) => {
      const response = await this.env.fetch(this.url + '/api/v1/notifications/stream' + this.query(), {
        headers: { ...this.headers(), Accept: 'text/event-stream' }, credentials: 'include', signal,
      });
      if (!response.ok) return this.refused(response);
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
    else if (type === 'notification') this.deliver(message);
    else if (type === 'close') return { code: message.code, reason: message.reason, reconnect: message.reconnect, clean: true };
    return null;
  }

  openLongPoll(run, finish) {
    // the first request, and the first after a channel change, answer at once
    let waiting = false;
    const changed = () => { waiting = false; };
    this.requestLoop(run, finish, async (signal) => {
      const path = waiting ? '/api/v1/notifications/long-poll' : '/api/v1/notifications';
      const extra = waiting ? { timeout: this.options.longPollTimeoutSeconds } : {};
      waiting = false;
      const response = await this.env.fetch(this.url + path + this.query(extra), {
        headers: this.headers(), credentials: 'include', signal,
      });
      if (!response.ok) return this.refused(response);
      const answer = await response.json();
      if (!run.welcomed) this.welcomed(run, { type: 'welcome', recovered: answer.recovered });
      for (const notification of answer.notifications) this.deliver(notification);
      this.absorbCursor(answer.cursor);
      if (answer.close) return { code: answer.close.code, reason: answer.close.reason, reconnect: answer.close.reconnect, clean: true };
      waiting = !answer.more;
      return null;
    });
    const restart = run.changed;
    run.changed = () => {
      changed();
      restart();
    };
  }

  /** Takes the positions of channels that had nothing new (a poll's cursor covers every channel read). */
  absorbCursor(cursor) {
    const base64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const text = typeof atob === 'function' ? atob(base64) : Buffer.from(base64, 'base64').toString('ascii');
    for (const line of text.split('\n').slice(1, -1)) {
      const [channel, epoch, offset] = line.split(' ');
      if (this.dropped.has(channel)) continue;
      const known = this.positions[channel];
      if (!known || known.epoch !== epoch || known.offset < Number(offset)) {
        this.positions[channel] = { epoch, offset: Number(offset) };
      }
    }
  }
}
