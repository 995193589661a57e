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
    this.mode = { websocket: 'pass', sse: 'pass' };
    this.sockets = new Set(); // open WebSockets (client side)
    this.streams = new Set(); // open SSE responses (client side)
    this.reset();
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  listen(port) {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  close() {
    for (const socket of this.sockets) socket.destroy();
    for (const response of this.streams) response.destroy();
    return new Promise((resolve) => this.server.close(resolve));
  }

  /** Zeroes the counters. */
  reset() {
    this.counts = { upgrades: 0, upgradesRefused: 0, upgradesAccepted: 0, streams: 0, polls: 0, probes: 0 };
  }

  /**
   * Sets how WebSocket ('pass' | 'refuse') and SSE ('pass' | 'refuse' | 'buffer') are handled; the
   * connections the new mode would not carry are cut, as a proxy reloaded with a new policy does.
   */
  set({ websocket = this.mode.websocket, sse = this.mode.sse }) {
    this.mode = { websocket, sse };
    if (websocket !== 'pass') for (const socket of this.sockets) socket.destroy();
    if (sse !== 'pass') for (const response of this.streams) response.destroy();
  }

  openWebSockets() {
    return this.sockets.size;
  }

  forward(req, res) {
    const path = req.url.split('?')[0];
    const stream = path === STREAM && req.method === 'GET';
    if (stream) this.counts.streams++;
    else if (path.startsWith('/api/v1/notifications') && req.method === 'GET') this.counts.polls++;
    else if (path === '/q/health/live') this.counts.probes++;
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
    this.counts.upgrades++;
    socket.on('error', () => {});
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
      });
      socket.pipe(upstream).pipe(socket);
    });
    const end = () => {
      this.sockets.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', end);
    upstream.on('close', end);
  }
}

function badGateway(res) {
  res.writeHead(502, { 'Content-Type': 'text/plain' });
  res.end('bad gateway');
}
