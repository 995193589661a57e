package io.relay.transport.ws;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A peer that does the WebSocket handshake over a plain socket and then behaves badly on purpose:
 * it reads nothing and answers no ping until told to, like a dead or stalled client. Only the
 * minimum of RFC 6455 framing needed to find the server's close code is read.
 */
final class RawPeer implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects with a small receive buffer, so that a peer that stops reading backs the server up quickly. */
    static RawPeer connect(URI base, String token) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8192);
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5000);
        socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawPeer peer = new RawPeer(socket);
        String head = peer.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
        }
        return peer;
    }

    /**
     * Sends {@code request} (a handshake of the test's own making) on a new socket and returns the
     * head of the answer, for handshakes that must be refused.
     */
    static String handshake(URI base, String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new RawPeer(socket).readHead();
        }
    }

    /** Writes {@code frames} (whole frames, as {@link #frame} builds them) in one write. */
    void send(byte[]... frames) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.writeBytes(frame);
        }
        socket.getOutputStream().write(all.toByteArray());
        socket.getOutputStream().flush();
    }

    /**
     * One frame as a client sends it: {@code head} is the first byte (FIN, RSV and opcode), the
     * payload masked with a fixed key unless {@code masked} is false.
     */
    static byte[] frame(int head, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(mask | payload.length);
        } else {
            out.write(mask | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        byte[] key = { 0x11, 0x22, 0x33, 0x44 };
        if (masked) {
            out.writeBytes(key);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    /** The next frame from the server. */
    Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        return new Frame(first & 0x0f, in.readNBytes((int) length));
    }

    /** The next frame of {@code opcode}, skipping others. */
    Frame read(int opcode) throws IOException {
        Frame frame = read();
        while (frame.opcode() != opcode) {
            frame = read();
        }
        return frame;
    }

    /** A server frame: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Reads frames, answering nothing, until the server's close frame; returns its code. */
    int readUntilClose() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if ((first & 0x0f) == 0x8) {
                return length >= 2 ? in.readUnsignedShort() : 1005;
            }
            in.skipNBytes(length);
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && (matched % 2 == 0 ? b == '\r' : b == '\n') ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
