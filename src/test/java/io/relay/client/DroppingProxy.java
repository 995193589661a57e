package io.relay.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of Relay that loses the answer to the first request it carries: the request
 * reaches Relay (and is processed), the response never reaches the client, whose connection is
 * closed. Later connections are carried both ways.
 */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final AtomicInteger dropped = new AtomicInteger();

    DroppingProxy(URI relay) throws IOException {
        this.server = new ServerSocket(0);
        this.target = new InetSocketAddress(relay.getHost(), relay.getPort());
        Thread acceptor = new Thread(this::accept, "dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** How many responses were lost. */
    int dropped() {
        return dropped.get();
    }

    private void accept() {
        boolean first = true;
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getHostString(), target.getPort());
                boolean drop = first;
                first = false;
                pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
                if (drop) {
                    // let Relay answer, read the answer, and lose it
                    pumpThenClose(upstream.getInputStream(), OutputStream.nullOutputStream(), client, upstream);
                } else {
                    pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pumpThenClose(InputStream from, OutputStream to, Socket client, Socket upstream) {
        Thread thread = new Thread(() -> {
            try {
                byte[] buffer = new byte[8192];
                int read = from.read(buffer);
                if (read > 0) {
                    dropped.incrementAndGet();
                }
                client.close();
                upstream.close();
            } catch (IOException ignored) {
                // closed
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    private static void pump(InputStream from, OutputStream to, Socket client, Socket upstream) {
        Thread thread = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException ignored) {
                // one side closed
            } finally {
                try {
                    client.close();
                    upstream.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
