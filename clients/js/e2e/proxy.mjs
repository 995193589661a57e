// A reverse proxy in front of Relay that the end-to-end test controls, as the corporate proxies and
// ingresses pages meet: it can refuse WebSocket upgrades (502), refuse SSE streams (502) or buffer
// them (nothing reaches the browser until the stream ends), and it counts what passes through.
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

const STREAM = '/api/v1/notifications/stream';

export class ControlledProxy {
  /** @param upstreamPort the relay's port on 127.0.0.1 */
  constructor(upstreamPort) {
    this.upstreamPort = upstreamPort;
    this.mode = { websocket: 'pass', sse: 'pass', all: 'pass' };
    this.sockets = new Set(); // open WebSockets (client side)
    this.pipes = new Map(); // open WebSocket (client side) -> its upstream socket
    this.frozen = new Set(); // sockets of frozen WebSockets, both sides
    this.streams = new Set(); // open SSE responses (client side)
    this.reset();
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  listen(port) {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  close() {
    for (const socket of [...this.sockets, ...this.frozen]) socket.destroy();
    for (const response of this.streams) response.destroy();
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    return closed;
  }

  /** Zeroes the counters. */
  reset() {
    this.counts = { requests: 0, options: 0, upgrades: 0, upgradesRefused: 0, upgradesAccepted: 0, streams: 0, polls: 0, longPolls: 0 };
  }

  /**
   * Sets how WebSocket ('pass' | 'refuse') and SSE ('pass' | 'refuse' | 'buffer') are handled, and
   * whether every request is answered by the proxy itself ('pass' | 401 | 403, as an access policy in
   * front of the relay would, with CORS for the page); the connections the new mode would not carry
   * are cut, as a proxy reloaded with a new policy does.
   */
  set({ websocket = this.mode.websocket, sse = this.mode.sse, all = this.mode.all }) {
    this.mode = { websocket, sse, all };
    if (websocket !== 'pass') for (const socket of this.sockets) socket.destroy();
    if (sse !== 'pass') for (const response of this.streams) response.destroy();
  }

  openWebSockets() {
    return this.sockets.size;
  }

  /** Stops forwarding on every open WebSocket, both ways, without closing anything: a half-open path. */
  freeze() {
    for (const [socket, upstream] of this.pipes) {
      socket.unpipe(upstream);
      upstream.unpipe(socket);
      socket.pause();
      upstream.pause();
      this.sockets.delete(socket);
      this.frozen.add(socket).add(upstream);
    }
    this.pipes.clear();
  }

  forward(req, res) {
    const path = req.url.split('?')[0];
    const stream = path === STREAM && req.method === 'GET';
    this.counts.requests++;
    if (req.method === 'OPTIONS') this.counts.options++;
    else if (stream) this.counts.streams++;
    else if (path === '/api/v1/notifications/long-poll') this.counts.longPolls++;
    else if (path.startsWith('/api/v1/notifications')) this.counts.polls++;
    if (this.mode.all !== 'pass' && !path.startsWith('/client/')) return policy(req, res, this.mode.all);
    if (stream && this.mode.sse === 'refuse') return badGateway(res);
    const buffer = stream && this.mode.sse === 'buffer';
    const upstream = httpRequest({
      host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      if (buffer) {
        // hold everything, headers included, until the stream ends
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('end', () => { res.writeHead(answer.statusCode, answer.headers); res.end(Buffer.concat(chunks)); });
        return;
      }
      res.writeHead(answer.statusCode, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : badGateway(res)));
    if (stream) {
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
    }
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  upgrade(req, socket, head) {
    this.counts.requests++;
    this.counts.upgrades++;
    socket.on('error', () => {});
    if (this.mode.all !== 'pass') {
      socket.end(`HTTP/1.1 ${this.mode.all} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (this.mode.websocket === 'refuse') {
      this.counts.upgradesRefused++;
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    upstream.on('error', () => {
      if (!socket.destroyed) socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    upstream.on('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.once('data', (chunk) => {
        if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) return;
        this.counts.upgradesAccepted++;
        this.sockets.add(socket);
        this.pipes.set(socket, upstream);
      });
      socket.pipe(upstream).pipe(socket);
    });
    const end = () => {
      this.sockets.delete(socket);
      this.pipes.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', end);
    upstream.on('close', end);
  }
}

/** The proxy's own refusal of every request, readable by the page (CORS) as the relay's would be. */
function policy(req, res, status) {
  const cors = req.headers.origin ? {
    'Access-Control-Allow-Origin': req.headers.origin, 'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Headers': 'Authorization, Last-Event-ID', 'Access-Control-Max-Age': '600',
  } : {};
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const extra = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  res.writeHead(status, { 'Content-Type': 'application/problem+json', ...cors, ...extra });
  res.end(JSON.stringify({ status, title: status === 401 ? 'Unauthorized' : 'Forbidden', detail: 'refused by the access policy' }));
}

function badGateway(res) {
  res.writeHead(502, { 'Content-Type': 'text/plain' });
  res.end('bad gateway');
}
