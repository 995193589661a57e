package io.relay.publish;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.relay.Publisher;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;

@QuarkusTest
class PublishEndpointTest {

    private static final String URL = "/api/v1/notifications";

    @TestHTTPResource("/")
    URI base;

    @Test
    void publishesToOneChannel() {
        String channel = unique("orders-");
        publisher().body("{\"channel\":\"" + channel + "\",\"event\":\"order.shipped\",\"data\":{\"orderId\":7}}")
                .post(URL).then().statusCode(202)
                .contentType("application/json")
                .body("id", notNullValue())
                .body("channels", hasSize(1))
                .body("channels[0].channel", equalTo(channel))
                .body("channels[0].epoch", notNullValue())
                .body("channels[0].offset", equalTo(1));
        publisher().body("{\"channel\":\"" + channel + "\",\"data\":null}").post(URL).then().statusCode(202)
                .body("channels[0].offset", equalTo(2));
    }

    @Test
    void publishesToSeveralChannelsAtOnce() {
        String a = unique("a-");
        String b = unique("b-");
        publisher().body("{\"channels\":[\"" + a + "\",\"" + b + "\"],\"data\":[1,2,3]}").post(URL).then()
                .statusCode(202)
                .body("channels.channel", org.hamcrest.Matchers.contains(a, b))
                .body("channels.offset", org.hamcrest.Matchers.contains(1, 1));
    }

    @Test
    void acceptsEveryConfiguredKey() {
        given().header("Authorization", "Bearer test-publisher-key-2").contentType("application/json")
                .body("{\"channel\":\"rotated\",\"data\":1}").post(URL).then().statusCode(202);
    }

    @Test
    void retryWithTheSameIdempotencyKeyPublishesNothingNew() {
        String channel = unique("idem-");
        String key = unique("key-");
        String body = "{\"channel\":\"" + channel + "\",\"data\":{\"n\":1}}";
        String first = publisher().header("Idempotency-Key", key).body(body).post(URL).then().statusCode(202)
                .extract().asString();
        publisher().header("Idempotency-Key", key).body(body).post(URL).then().statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body(equalTo(first));
        publisher().body(body).post(URL).then().statusCode(202).body("channels[0].offset", equalTo(2));
    }

    @Test
    void refusesMissingKey() {
        given().contentType("application/json").body("{\"channel\":\"x\",\"data\":1}").post(URL).then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        problem(given().contentType("application/json").body("{}").post(URL).then(), 401);
    }

    @Test
    void refusesUnknownKeyAndDoesNotEchoIt() {
        problem(given().header("Authorization", "Bearer wrong-secret-key").contentType("application/json")
                .body("{\"channel\":\"x\",\"data\":1}").post(URL).then(), 401)
                .body(not(containsString("wrong-secret-key")));
    }

    @Test
    void refusesBodiesOverTheLimit() {
        String channel = unique("big-");
        String big = "{\"channel\":\"" + channel + "\",\"data\":\"" + "x".repeat(70_000) + "\"}";
        problem(publisher().body(big).post(URL).then(), 413);
        publisher().body("{\"channel\":\"" + channel + "\",\"data\":1}").post(URL).then().statusCode(202)
                .body("channels[0].offset", equalTo(1));
    }

    @Test
    void refusesBodiesFarOverTheHttpLimit() {
        problem(publisher().body("x".repeat(2_000_000)).post(URL).then(), 413);
    }

    @ParameterizedTest
    @ValueSource(strings = { "text/plain", "application/xml", "application/x-www-form-urlencoded" })
    void refusesContentTypesOtherThanJson(String type) {
        problem(given().header("Authorization", "Bearer test-publisher-key").contentType(type)
                .body("{\"channel\":\"x\",\"data\":1}").post(URL).then(), 415);
    }

    @Test
    void refusesMissingContentType() {
        problem(given().header("Authorization", "Bearer test-publisher-key").body("{\"channel\":\"x\",\"data\":1}".getBytes())
                .post(URL).then(), 415);
    }

    @ParameterizedTest
    @MethodSource("io.relay.publish.PublishParserTest#invalidBodies")
    void refusesInvalidBodies(String body) {
        problem(publisher().body(body).post(URL).then(), 400);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.relay.publish.PublishParserTest#invalidUtf8Bodies")
    void refusesBytesThatAreNotUtf8AndStoresNothing(String where, byte[] body) {
        refusesAndStoresNothing(body);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"\\ud800\"", "\"\\udc00\"", "{\"\\ud800\":1}", "[\"\\ude00\\ud83d\"]" })
    void refusesEscapesOfUnpairedSurrogatesAndStoresNothing(String data) {
        refusesAndStoresNothing(("{\"channel\":\"x\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** The hostile bodies publish to channel x: x's next offset shows that nothing was stored in between. */
    private static void refusesAndStoresNothing(byte[] body) {
        String valid = "{\"channel\":\"x\",\"data\":1}";
        int before = publisher().body(valid).post(URL).then().statusCode(202).extract().path("channels[0].offset");
        problem(publisher().body(body).post(URL).then(), 400).body("detail", containsString("UTF"));
        publisher().body(valid).post(URL).then().statusCode(202).body("channels[0].offset", equalTo(before + 1));
    }

    @Test
    void refusesAnIdempotencyKeyThatIsNotAscii() throws Exception {
        byte[] body = "{\"channel\":\"x\",\"data\":1}".getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
        request.writeBytes(("POST " + URL + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-publisher-key\r\n"
                + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + body.length
                + "\r\nIdempotency-Key: key-").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(new byte[] { (byte) 0xC0, (byte) 0xAF });
        request.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.toByteArray());
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            org.junit.jupiter.api.Assertions.assertTrue(answer.contains("application/problem+json"), answer);
        }
    }

    @Test
    void refusesTooLongEventNames() {
        problem(publisher().body("{\"channel\":\"x\",\"data\":1,\"event\":\"" + "e".repeat(65) + "\"}").post(URL).then(), 400);
        publisher().body("{\"channel\":\"x\",\"data\":1,\"event\":\"" + "e".repeat(64) + "\"}").post(URL).then().statusCode(202);
    }

    @Test
    void refusesMoreThanAHundredChannels() {
        String channels = IntStream.range(0, 101).mapToObj(i -> "\"many" + i + "\"").collect(Collectors.joining(","));
        problem(publisher().body("{\"channels\":[" + channels + "],\"data\":1}").post(URL).then(), 400);
    }

    @Test
    void refusesTooDeeplyNestedData() {
        String deep = "[".repeat(200) + "]".repeat(200);
        problem(publisher().body("{\"channel\":\"x\",\"data\":" + deep + "}").post(URL).then(), 400);
    }

    @Test
    void refusesMalformedIdempotencyKey() {
        problem(publisher().header("Idempotency-Key", "k".repeat(256)).body("{\"channel\":\"x\",\"data\":1}")
                .post(URL).then(), 400);
    }

    @Test
    void aRefusedPublishDamagesNothing() {
        String channel = unique("intact-");
        Publisher publisher = new Publisher(base);
        publisher.publish(channel, new JsonObject().put("n", 1));
        problem(publisher().body("{\"channels\":[\"" + channel + "\",\"bad name\"],\"data\":1}").post(URL).then(), 400);
        org.junit.jupiter.api.Assertions.assertEquals(2,
                Publisher.offset(publisher.publish(channel, new JsonObject().put("n", 2))));
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() {
        problem(publisher().get("/api/v1/nothing-here").then(), 404);
        problem(publisher().put(URL).then(), 405).header("Allow", containsString("POST"));
        problem(publisher().patch(URL).then(), 405);
        problem(publisher().delete(URL).then(), 405);
    }

    @Test
    void acceptsAChunkedBody() throws Exception {
        String channel = unique("chunked-");
        HttpResponse<String> response = postChunked("{\"channel\":\"" + channel + "\",\"data\":{\"n\":1}}");
        org.junit.jupiter.api.Assertions.assertEquals(202, response.statusCode(), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.body().contains("\"offset\":1"), response.body());
    }

    @Test
    void stopsAChunkedBodyAtTheLimitAndDamagesNothing() throws Exception {
        String channel = unique("chunked-big-");
        HttpResponse<String> response = postChunked(
                "{\"channel\":\"" + channel + "\",\"data\":\"" + "x".repeat(200_000) + "\"}");
        org.junit.jupiter.api.Assertions.assertEquals(413, response.statusCode());
        org.junit.jupiter.api.Assertions.assertEquals("application/problem+json",
                response.headers().firstValue("Content-Type").orElse(""));
        org.junit.jupiter.api.Assertions.assertTrue(response.body().contains("relay.max-payload-bytes"), response.body());
        publisher().body("{\"channel\":\"" + channel + "\",\"data\":1}").post(URL).then().statusCode(202)
                .body("channels[0].offset", equalTo(1));
    }

    /** A POST with no Content-Length: the JDK client sends an input-stream body chunked. */
    private HttpResponse<String> postChunked(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(URL))
                .header("Authorization", "Bearer test-publisher-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("https://relay.dev/problems/"))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }
}
