package io.relay.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.UnresolvableKeyException;

import io.relay.RelayConfig;
import io.relay.channel.ChannelName;
import io.relay.channel.ChannelPattern;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.KeyLocationResolver;

/**
 * Verifies subscriber JWTs with jose4j (the library smallrye-jwt is built on) and smallrye-jwt's key
 * loading for PEM, JWK and JWKS locations. Only the algorithms of the configured key are permitted,
 * which rejects {@code alg:none} and algorithm confusion (an HS256 token signed with a public key).
 * {@code exp} is enforced when present, as the contract says; smallrye's own parser would demand it.
 */
@Singleton
public class TokenVerifier {

    private static final String[] ASYMMETRIC = {
            AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
            AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384 };

    private final RelayConfig.Auth config;
    private final VerifiedTokens verified;
    private final InProcessTokens inProcess = new InProcessTokens();
    private volatile JwtConsumer consumer;

    @jakarta.inject.Inject
    public TokenVerifier(RelayConfig config) {
        this(config.auth());
    }

    public TokenVerifier(RelayConfig.Auth config) {
        this(config, Clock.systemUTC());
    }

    TokenVerifier(RelayConfig.Auth config, Clock clock) {
        this.config = config;
        this.verified = new VerifiedTokens(clock, config.verifiedTokenCache());
    }

    /**
     * Loads the verification key; throws {@link IllegalStateException} naming the setting when it is
     * missing or unusable. Called at start-up, so that requests never meet a half-configured verifier.
     */
    public void load() {
        consumer();
    }

    private JwtConsumer consumer() {
        JwtConsumer built = consumer;
        if (built == null) {
            synchronized (this) {
                if (consumer == null) {
                    consumer = buildConsumer(config);
                }
                built = consumer;
            }
        }
        return built;
    }

    /**
     * The token's subscriber: one this process issued to itself ({@link #issueInProcess}), else from
     * the cache of verified tokens while it lasts, else verified now.
     */
    public Subscriber verify(String token) {
        Subscriber own = inProcess.get(token);
        if (own != null) {
            return own;
        }
        Subscriber known = verified.get(token);
        if (known != null) {
            return known;
        }
        Subscriber subscriber = verifyNow(token);
        verified.put(token, subscriber);
        return subscriber;
    }

    /**
     * A random bearer token for {@code subscriber}, accepted until {@link #revokeInProcess}: for
     * clients inside this process (the start-up warm-up), whatever key verifies real tokens.
     */
    public String issueInProcess(Subscriber subscriber) {
        return inProcess.issue(subscriber);
    }

    /** Every token {@link #issueInProcess} gave out is refused from now on. */
    public void revokeInProcess() {
        inProcess.revokeAll();
    }

    private Subscriber verifyNow(String token) {
        JwtClaims claims;
        try {
            claims = consumer().processToClaims(token);
        } catch (InvalidJwtException e) {
            if (e.hasExpired()) {
                throw new TokenRejectedException(TokenRejectedException.Reason.expired, "the token has expired");
            }
            throw new TokenRejectedException(TokenRejectedException.Reason.invalid, describe(e));
        }
        try {
            String sub = claims.getSubject();
            if (!ChannelName.isValidUserId(sub)) {
                throw invalid("the token's sub must be 1 to " + ChannelName.MAX_USER_ID_LENGTH
                        + " characters of A-Z a-z 0-9 _ - . : @ = +, so that it names a personal channel");
            }
            return new Subscriber(sub, grants(claims),
                    claims.getExpirationTime() == null ? null
                            : java.time.Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
        } catch (MalformedClaimException e) {
            throw invalid("the token has a malformed claim");
        }
    }

    private static List<ChannelPattern> grants(JwtClaims claims) {
        Object value = claims.getClaimValue("channels");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw invalid("the token's channels claim must be an array of strings");
        }
        List<ChannelPattern> grants = new ArrayList<>(list.size());
        for (Object grant : list) {
            if (!(grant instanceof String pattern) || pattern.isEmpty()) {
                throw invalid("the token's channels claim must be an array of strings");
            }
            grants.add(ChannelPattern.parse(pattern));
        }
        return List.copyOf(grants);
    }

    private static TokenRejectedException invalid(String message) {
        return new TokenRejectedException(TokenRejectedException.Reason.invalid, message);
    }

    private static String describe(InvalidJwtException e) {
        if (e.getCause() instanceof UnresolvableKeyException) {
            return "no key to verify the token";
        }
        if (e.getErrorDetails().stream().anyMatch(d -> d.getErrorCode() == org.jose4j.jwt.consumer.ErrorCodes.ISSUER_INVALID)) {
            return "the token's issuer is not accepted";
        }
        if (e.getErrorDetails().stream().anyMatch(d -> d.getErrorCode() == org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID
                || d.getErrorCode() == org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING)) {
            return "the token's audience is not accepted";
        }
        if (e.getErrorDetails().stream().anyMatch(d -> d.getErrorCode() == org.jose4j.jwt.consumer.ErrorCodes.SUBJECT_MISSING)) {
            return "the token has no sub";
        }
        return "the token is malformed or its signature does not verify";
    }

    private static JwtConsumer buildConsumer(RelayConfig.Auth auth) {
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) auth.clockSkew().toSeconds());
        if (auth.hmacSecret().isPresent()) {
            byte[] secret = auth.hmacSecret().get().getBytes(StandardCharsets.UTF_8);
            builder.setVerificationKey(new HmacKey(secret))
                    .setJwsAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT,
                            AlgorithmIdentifiers.HMAC_SHA256));
        } else if (auth.publicKeyLocation().isPresent()) {
            JWTAuthContextInfo keys = new JWTAuthContextInfo();
            keys.setPublicKeyLocation(auth.publicKeyLocation().get());
            try {
                builder.setVerificationKeyResolver(new KeyLocationResolver(keys));
            } catch (UnresolvableKeyException e) {
                throw new IllegalStateException("relay.auth.public-key-location: cannot load a key from it", e);
            }
            builder.setJwsAlgorithmConstraints(new AlgorithmConstraints(ConstraintType.PERMIT, ASYMMETRIC));
        } else {
            throw new IllegalStateException(
                    "relay.auth.hmac-secret or relay.auth.public-key-location (RELAY_AUTH_HMAC_SECRET or RELAY_AUTH_PUBLIC_KEY_LOCATION) is not set");
        }
        auth.issuer().ifPresent(builder::setExpectedIssuer);
        if (auth.audience().isPresent()) {
            builder.setExpectedAudience(auth.audience().get());
        } else {
            builder.setSkipDefaultAudienceValidation();
        }
        return builder.build();
    }
}
