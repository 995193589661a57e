package io.relay.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of Relay that the test can take down, as a network drop does: {@link #cut()}
 * closes every connection it carries (the client sees its socket end without a WebSocket close
 * frame) and closes every new one at once until {@link #restore()}. It records the request line of
 * every connection it carries, so a test can see what a client asked for when it came back.
 */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean down;

    CuttingProxy(URI relay) throws IOException {
        this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        this.target = new InetSocketAddress(relay.getHost(), relay.getPort());
        Thread acceptor = new Thread(this::accept, "cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Drops every carried connection and refuses new ones (accepted, then closed at once). */
    void cut() {
        down = true;
        live.forEach(CuttingProxy::closeQuietly);
        live.clear();
    }

    void restore() {
        down = false;
    }

    /** Connections closed at once because the proxy was down: attempts to come back. */
    int refused() {
        return refused.get();
    }

    /** The first line of each request carried, e.g. {@code GET /ws?channel=...&cursor=... HTTP/1.1}. */
    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    refused.incrementAndGet();
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(target.getHostString(), target.getPort());
                live.add(client);
                live.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException closed) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread thread = new Thread(() -> {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                if (request) {
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    for (int b = in.read(); b != -1; b = in.read()) {
                        line.write(b);
                        if (b == '\n') {
                            break;
                        }
                    }
                    requestLines.add(line.toString(StandardCharsets.US_ASCII).strip());
                    out.write(line.toByteArray());
                }
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed, or the proxy cut it
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                live.remove(from);
                live.remove(to);
            }
        }, "cutting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
