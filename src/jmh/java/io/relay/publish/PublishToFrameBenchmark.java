package io.relay.publish;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.relay.engine.memory.MemoryBroker;
import io.relay.engine.memory.MemoryChannels;
import io.relay.transport.ws.NotificationFrame;

/**
 * The publish-to-frame hot path in one thread, without sockets: parse a publish body, append it to
 * a memory channel (offset, history), encode the notification and its WebSocket frame once, and
 * write that frame to every subscriber's Netty pipeline as the WebSocket transport does (a
 * duplicate of the shared buffer, a void promise, a flush). The pipelines end in a sink that counts
 * bytes, so what is measured is Relay's work and Netty's pipeline, not the kernel's.
 *
 * <p>Run (not part of {@code ./mvnw verify}): {@code ./mvnw -Pjmh test-compile exec:exec}; JMH
 * flags through {@code -Djmh.args="..."}, e.g. {@code -Djmh.args="-p subscribers=1 -f 1"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishToFrameBenchmark {

    /** 1: a per-user publish; 2,000: a broadcast to wsbench scenario a's subscribers. */
    @Param({ "1", "2000" })
    int subscribers;

    private byte[] body;
    private MemoryBroker broker;
    private long bytesWritten;

    @Setup
    public void setUp() {
        body = ("{\"channel\":\"bench:all\",\"event\":\"bench\",\"data\":{\"t\":123456789,\"n\":42,\"pad\":\""
                + "x".repeat(40) + "\"}}").getBytes(StandardCharsets.UTF_8);
        ChannelHandlerContext[] frameWriters = new ChannelHandlerContext[subscribers];
        for (int i = 0; i < subscribers; i++) {
            // the frame enters just below where the WebSocket encoder sits, as in WsConnection
            EmbeddedChannel socket = new EmbeddedChannel(new Sink(), new ChannelDuplexHandler());
            frameWriters[i] = socket.pipeline().lastContext();
        }
        MemoryChannels channels = new MemoryChannels(Clock.systemUTC(), 100, Duration.ofMinutes(5), 100_000);
        broker = new MemoryBroker(channels, notification -> {
            for (ChannelHandlerContext writer : frameWriters) {
                writer.writeAndFlush(NotificationFrame.of(notification).duplicate(), writer.voidPromise());
            }
        });
    }

    @Benchmark
    public Object publishToFrames() {
        return broker.publish(PublishParser.parse(body)).await().indefinitely();
    }

    /** Stands for the socket: counts what would be written. */
    private final class Sink extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            bytesWritten += ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
        }
    }
}
