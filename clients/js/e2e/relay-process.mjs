// What the end-to-end scripts share: free ports, the packaged Relay started and stopped as a process
// (dev profile), and publishing with the dev key.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const jar = 'target/quarkus-app/quarkus-run.jar';

const handedOut = new Set();

/**
 * A port nobody listens on, below Linux's ephemeral range (32768 and up): a port from that range can be
 * taken, between this call and the listen that uses it, as the local port of any outgoing connection
 * (a Redis client's, the browser's), and the Relay started on it then exits with "Address already in use".
 */
export async function freePort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(port)) continue;
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Starts the packaged Relay on `port` (dev profile) and resolves once it is ready. */
export async function startRelay(port, extraEnv = {}) {
  const env = { ...process.env, QUARKUS_HTTP_PORT: String(port), QUARKUS_HTTP_HOST: '127.0.0.1', ...extraEnv };
  for (const key of Object.keys(env)) if (key.startsWith('RELAY_') && !(key in extraEnv)) delete env[key];
  const relay = spawn('java', ['-Dquarkus.profile=dev', '-jar', jar], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  relay.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    errors = (errors + chunk).slice(-4000);
  });
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/q/health/ready`)).ok) return relay;
    } catch { /* not up yet */ }
    if (relay.exitCode !== null) throw new Error(`Relay on port ${port} exited with ${relay.exitCode}: ${errors}`);
    if (Date.now() > deadline) throw new Error('Relay did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function stopRelay(relay) {
  return new Promise((resolve) => {
    if (relay.exitCode !== null) return resolve();
    relay.once('exit', resolve);
    relay.kill('SIGTERM');
  });
}

/** Publishes with the dev key; resolves with the publish's 202 body, throws on any other answer. */
export async function publish(port, channel, data) {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/notifications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer dev-publisher-key' },
    body: JSON.stringify({ channel, event: 'e2e', data }),
  });
  if (response.status !== 202) throw new Error(`publish answered ${response.status}`);
  return response.json();
}

/** A dev subscriber token for `user` (grants team:*), from the demo's login. */
export async function devToken(port, user) {
  const login = await fetch(`http://127.0.0.1:${port}/demo/login?user=${user}`, { redirect: 'manual' });
  return /relay_token=([^;]+)/.exec(login.headers.get('set-cookie'))[1];
}

/** Runs named scenarios, each to its end; `report()` prints them and tells whether all passed. */
export function scenarios() {
  const lines = [];
  return {
    async run(name, body) {
      try {
        await body();
        lines.push(`ok ${name}`);
      } catch (error) {
        lines.push(`FAILED ${name}: ${error.stack ?? error.message}`);
      }
    },
    report() {
      console.log(lines.join('\n'));
      return lines.every((line) => line.startsWith('ok'));
    },
  };
}
