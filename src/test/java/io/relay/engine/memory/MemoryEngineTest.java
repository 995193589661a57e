package io.relay.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.EngineContractTest;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.NotificationListener;

class MemoryEngineTest extends EngineContractTest {

    private static final int MAX_CHANNELS = 50;
    private MemoryChannels channels;

    @Override
    protected Engine create(NotificationListener listener) {
        channels = new MemoryChannels(clock, HISTORY_SIZE, TTL, MAX_CHANNELS);
        return new Engine(new MemoryBroker(channels, listener), new MemoryHistory(channels),
                new MemoryIdempotencyStore(clock, TTL, MAX_IDEMPOTENCY_KEYS), () -> {
                });
    }

    @Test
    void evictsChannelsWithNothingRetainedAndNoSubscriber() {
        String epoch = publish("1", "gone").channels().get(0).position().epoch();
        clock.advance(TTL.plusSeconds(1));
        channels.sweep();
        assertEquals(0, channels.size());
        assertNotEquals(epoch, publish("2", "gone").channels().get(0).position().epoch(),
                "a channel whose history was lost starts a new epoch");
    }

    @Override
    protected boolean holdsAnyState() {
        return channels.size() > 0;
    }

    @Test
    void keepsTheEpochOfAChannelWhileItHoldsNotifications() {
        String epoch = publish("1", "held").channels().get(0).position().epoch();
        clock.advance(TTL.minusSeconds(1));
        channels.sweep();
        assertEquals(epoch, publish("2", "held").channels().get(0).position().epoch());
    }

    @Test
    void subscribersDoNotKeepAChannelWhoseHistoryExpired() {
        engine.broker().subscribe(ChannelName.of("watched")).await().atMost(Duration.ofSeconds(5));
        publish("1", "watched");
        clock.advance(TTL.plusSeconds(1));
        channels.sweep();
        assertEquals(0, channels.size(), "like Redis, an epoch lives as long as the history it names");
    }

    @Test
    void readersAndSubscribersCannotFillTheChannelCapacity() {
        for (int i = 0; i < MAX_CHANNELS * 2; i++) {
            ChannelName name = ChannelName.of("read-" + i);
            engine.history().read(name, StreamPosition.EMPTY, 100).await().atMost(Duration.ofSeconds(5));
            engine.broker().subscribe(name).await().atMost(Duration.ofSeconds(5));
        }
        assertEquals(0, channels.size());
        for (int i = 0; i < MAX_CHANNELS; i++) {
            publish("1", "published-" + i);
        }
        assertEquals(MAX_CHANNELS, channels.size(), "the capacity counts channels that hold notifications");
    }

    @Test
    void refusesNewChannelsBeyondCapacityAndPublishesNothing() {
        for (int i = 0; i < MAX_CHANNELS; i++) {
            publish("1", "c" + i);
        }
        int before = delivered.size();
        assertThrows(EngineUnavailableException.class, () -> publish("1", "c0", "one-too-many"));
        assertEquals(before, delivered.size(), "not even the existing channel got it");
        publish("2", "c0");
    }
}
