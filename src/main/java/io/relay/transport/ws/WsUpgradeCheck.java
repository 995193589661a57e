package io.relay.transport.ws;

import jakarta.inject.Singleton;

import io.netty.channel.Channel;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.relay.transport.SubscriberHandshake;
import io.smallrye.mutiny.Uni;

/**
 * Hands the handshake {@link WsHandshake} accepted to the connection websockets-next opens (through
 * its user data, which {@link WsEndpoint} empties on open), so the token is checked once.
 */
@Singleton
public class WsUpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<Upgrade> UPGRADE = new UserData.TypedKey<>("relay.upgrade");

    /** What the connection starts from: the accepted handshake, and the Netty channel its frames are written to. */
    record Upgrade(SubscriberHandshake.Accepted accepted, Channel channel) {
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        Channel channel = WsHandshake.channel(context.httpRequest());
        SubscriberHandshake.Accepted accepted = WsHandshake.take(channel);
        if (accepted == null) {
            // only WsHandshake lets an upgrade through to the extension
            return CheckResult.rejectUpgrade(400);
        }
        context.userData().put(UPGRADE, new Upgrade(accepted, channel));
        return CheckResult.permitUpgrade();
    }
}
