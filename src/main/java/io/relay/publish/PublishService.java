package io.relay.publish;

import java.util.List;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.relay.channel.ChannelName;
import io.relay.engine.Broker;
import io.relay.engine.IdempotencyStore;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxService;
import io.smallrye.mutiny.Uni;

/**
 * Publishes validated requests, once per Idempotency-Key when one is given. With {@code inbox}, the
 * users' inboxes take the notification first, then its channels: when either step fails, it is
 * recalled from the inboxes again, so that a 503 still means that nothing was published.
 */
@Singleton
public class PublishService {

    private final Broker broker;
    private final IdempotencyStore idempotency;
    private final InboxService inbox;

    public PublishService(Broker broker, IdempotencyStore idempotency, InboxService inbox) {
        this.broker = broker;
        this.idempotency = idempotency;
        this.inbox = inbox;
    }

    public Uni<PublishResult> publish(PublishRequest request, String idempotencyKey, boolean toInbox) {
        Supplier<Uni<PublishResult>> publish = toInbox ? () -> publishToInboxes(request) : () -> broker.publish(request);
        if (idempotencyKey == null) {
            return publish.get();
        }
        return idempotency.publishOnce(idempotencyKey, publish);
    }

    private Uni<PublishResult> publishToInboxes(PublishRequest request) {
        List<String> users = request.channels().stream().filter(ChannelName::isPersonal).map(ChannelName::owner).toList();
        InboxEntry entry = inbox.entry(request);
        return inbox.store(users, entry)
                .chain(stored -> broker.publish(request).map(result -> result.withInboxStored(stored)))
                // the recall's own failure must not hide the publish's
                .onFailure().call(failure -> inbox.recall(entry.id()).onFailure().recoverWithNull());
    }

    /** Whether {@code result} is the first answer to an earlier publish with the same idempotency key. */
    static boolean replayed(PublishRequest request, PublishResult result) {
        return !result.id().equals(request.id());
    }
}
