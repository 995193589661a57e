package io.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the processes the tests start (Relay replicas, redis-server). They come from below Linux's
 * ephemeral range (32768 and up): a port of that range, free when picked, can be taken before the process
 * listens on it as the local port of any outgoing connection (a Redis client's, a browser's), and the
 * process then exits with "Address already in use". No port is handed out twice in one JVM.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(port)) {
                    return socket.getLocalPort();
                }
            } catch (IOException taken) {
                // somebody listens there: another one
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }
}
