package io.relay.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.relay.TestTokens;
import io.relay.channel.ChannelName;
import io.relay.channel.ChannelPattern;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;

/** One property of the token changed per case. */
class TokenVerifierTest {

    private final TokenVerifier verifier = new TokenVerifier(AuthSettings.hmac(TestTokens.SECRET));

    @Test
    void acceptsAValidToken() {
        Subscriber subscriber = verifier.verify(TestTokens.valid("alice", "team:*"));
        assertEquals("alice", subscriber.userId());
        assertEquals(List.of(ChannelPattern.parse("team:*")), subscriber.grants());
        assertEquals(ChannelName.of("user:alice"), subscriber.personalChannel());
    }

    @Test
    void acceptsATokenWithoutExpiry() throws Exception {
        org.jose4j.jwt.JwtClaims claims = new org.jose4j.jwt.JwtClaims();
        claims.setSubject("alice");
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue("HS256");
        jws.setKey(new org.jose4j.keys.HmacKey(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)));
        assertNull(verifier.verify(jws.getCompactSerialization()).expiresAt());
    }

    @Test
    void rejectsExpiredToken() {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(TestTokens.expired("alice")));
        assertEquals(TokenRejectedException.Reason.expired, e.reason());
    }

    @Test
    void rejectsTamperedToken() {
        String token = TestTokens.valid("alice");
        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"sub\":\"bob\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}").getBytes(StandardCharsets.UTF_8));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(parts[0] + "." + forged + "." + parts[2]));
    }

    @Test
    void rejectsTokenSignedWithAnotherSecret() {
        assertThrows(TokenRejectedException.class,
                () -> verifier.verify(TestTokens.signedWith("another-secret-0123456789-abcdefghijklmn", "alice")));
    }

    @Test
    void rejectsAlgNone() {
        assertThrows(TokenRejectedException.class, () -> verifier.verify(TestTokens.unsigned("alice")));
    }

    @Test
    void rejectsTokenWithoutSub() {
        String token = TestTokens.sign(io.smallrye.jwt.build.Jwt.claims().claim("foo", "bar")
                .expiresAt(Instant.now().plus(Duration.ofHours(1))), TestTokens.SECRET);
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    }

    @Test
    void rejectsSubThatCannotNameAChannel() {
        assertThrows(TokenRejectedException.class, () -> verifier.verify(TestTokens.valid("auth0|12 34")));
    }

    /** A sub that cannot name a personal channel (empty, too long, a character no name may hold) is no identity. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "", " ", "a/b", "caf\u00e9", "tab\there" })
    void rejectsSubThatCannotNameAPersonalChannel(String sub) {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(TestTokens.valid(sub)));
        assertEquals(TokenRejectedException.Reason.invalid, e.reason());
    }

    @Test
    void rejectsSubLongerThanAPersonalChannelAllows() {
        String longest = "u".repeat(ChannelName.MAX_USER_ID_LENGTH);
        assertEquals(longest, verifier.verify(TestTokens.valid(longest)).userId());
        assertThrows(TokenRejectedException.class, () -> verifier.verify(TestTokens.valid(longest + "u")));
    }

    @Test
    void rejectsMalformedChannelsClaim() {
        String token = TestTokens.sign(TestTokens.claims("alice").claim("channels", "team:*"), TestTokens.SECRET);
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    }

    @Test
    void rejectsGarbage() {
        assertThrows(TokenRejectedException.class, () -> verifier.verify("not.a.jwt"));
        assertThrows(TokenRejectedException.class, () -> verifier.verify("x".repeat(5000)));
    }

    @Test
    void checksIssuerWhenConfigured() {
        TokenVerifier strict = new TokenVerifier(AuthSettings.hmac(TestTokens.SECRET).withIssuer("https://idp"));
        assertThrows(TokenRejectedException.class, () -> strict.verify(TestTokens.valid("alice")));
        String right = TestTokens.sign(TestTokens.claims("alice").issuer("https://idp"), TestTokens.SECRET);
        assertEquals("alice", strict.verify(right).userId());
        String wrong = TestTokens.sign(TestTokens.claims("alice").issuer("https://evil"), TestTokens.SECRET);
        assertThrows(TokenRejectedException.class, () -> strict.verify(wrong));
    }

    @Test
    void checksAudienceWhenConfigured() {
        TokenVerifier strict = new TokenVerifier(AuthSettings.hmac(TestTokens.SECRET).withAudience("relay"));
        assertThrows(TokenRejectedException.class, () -> strict.verify(TestTokens.valid("alice")));
        String right = TestTokens.sign(TestTokens.claims("alice").audience("relay"), TestTokens.SECRET);
        assertEquals("alice", strict.verify(right).userId());
        String wrong = TestTokens.sign(TestTokens.claims("alice").audience("other"), TestTokens.SECRET);
        assertThrows(TokenRejectedException.class, () -> strict.verify(wrong));
    }

    @Test
    void verifiesRsaTokensWithAPublicKeyAndRejectsAlgorithmConfusion(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Path location = Files.writeString(dir.resolve("public.pem"), pem);
        TokenVerifier rsa = new TokenVerifier(AuthSettings.publicKey(location.toUri().toString()));

        String good = TestTokens.claims("alice").jws().algorithm(SignatureAlgorithm.RS256).sign(keys.getPrivate());
        assertEquals("alice", rsa.verify(good).userId());

        // The classic confusion: HS256 with the (public) key text as the HMAC secret.
        String confused = TestTokens.sign(TestTokens.claims("mallory"), pem);
        assertThrows(TokenRejectedException.class, () -> rsa.verify(confused));
        assertThrows(TokenRejectedException.class, () -> rsa.verify(TestTokens.unsigned("mallory")));
    }

    @Test
    void hmacVerifierRejectsRsaSignedTokens() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String rsaSigned = TestTokens.claims("alice").jws().algorithm(SignatureAlgorithm.RS256)
                .sign(generator.generateKeyPair().getPrivate());
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(rsaSigned));
        assertTrue(e.getMessage().length() < 200);
    }

    @Test
    void acceptsTokensIssuedInProcessUntilTheyAreRevoked() {
        Subscriber warmUp = new Subscriber("relay-warm-up-0", List.of(ChannelPattern.parse("relay.warm-up")), null);
        String token = verifier.issueInProcess(warmUp);
        assertEquals(warmUp, verifier.verify(token));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token + "x"), "only the token itself");

        verifier.revokeInProcess();
        assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
    }
}
