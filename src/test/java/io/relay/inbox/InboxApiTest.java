package io.relay.inbox;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * The inbox over HTTP: what a publish with {@code inbox:true} leaves in its users' inboxes, the
 * subscriber's reads and changes, the publisher's recall and counts, and the clear refusals of bad
 * input that change nothing.
 */
@QuarkusTest
public class InboxApiTest {

    private static final String ALLOWED = "https://app.example.com";

    private static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + TestTokens.valid(user));
    }

    private static String publishToInbox(String data, String... users) {
        String list = java.util.Arrays.stream(users).map(u -> "\"" + u + "\"").collect(Collectors.joining(","));
        return publisher().body("{\"users\":[" + list + "],\"event\":\"order.shipped\",\"data\":" + data + ",\"inbox\":true}")
                .post("/api/v1/notifications").then().statusCode(202)
                .body("inbox.stored", equalTo(users.length)).extract().path("id");
    }

    private static JsonPath inbox(String user, String query) {
        return as(user).get("/api/v1/inbox" + query).then().statusCode(200).extract().jsonPath();
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType("application/problem+json").body("status", equalTo(status));
    }

    @Test
    void aPublishWithInboxLeavesTheNotificationInEachUsersInbox() {
        String ann = unique("ann-");
        String bob = unique("bob-");
        String id = publishToInbox("{\"orderId\":7,\"total\":1.50}", ann, bob);
        for (String user : List.of(ann, bob)) {
            JsonPath listed = inbox(user, "");
            assertEquals(List.of(id), listed.getList("items.id"));
            assertEquals("order.shipped", listed.getString("items[0].event"));
            assertEquals(7, listed.getInt("items[0].data.orderId"));
            assertEquals(false, listed.getBoolean("items[0].read"));
            assertEquals(false, listed.getBoolean("items[0].archived"));
            Instant time = Instant.parse(listed.getString("items[0].time"));
            assertEquals(time.plus(java.time.Duration.ofDays(30)), Instant.parse(listed.getString("items[0].expiresAt")));
            assertEquals(1, listed.getInt("counts.unread"));
            assertEquals(1, listed.getInt("counts.total"));
            assertEquals(null, listed.getString("next"));
        }
        String plain = publisher().body("{\"users\":[\"" + ann + "\"],\"data\":1}").post("/api/v1/notifications")
                .then().statusCode(202).body("inbox", nullValue()).extract().path("id");
        assertEquals(List.of(id), inbox(ann, "").getList("items.id"), "without inbox, " + plain + " is not kept");
    }

    @Test
    void aTtlEndsTheItemEarlierThanRetention() {
        String ann = unique("ann-");
        publisher().body("{\"users\":[\"" + ann + "\"],\"data\":1,\"inbox\":true,\"ttl\":120}").post("/api/v1/notifications")
                .then().statusCode(202);
        JsonPath listed = inbox(ann, "");
        assertEquals(Instant.parse(listed.getString("items[0].time")).plusSeconds(120),
                Instant.parse(listed.getString("items[0].expiresAt")));
    }

    @Test
    void marksOneManyAndAllWithExactCounts() {
        String ann = unique("ann-");
        List<String> ids = IntStream.range(0, 4).mapToObj(n -> publishToInbox(Integer.toString(n), ann)).toList();
        as(ann).contentType(ContentType.JSON).body("{\"read\":true}").patch("/api/v1/inbox/" + ids.get(0))
                .then().statusCode(200).body("id", equalTo(ids.get(0))).body("read", equalTo(true));
        as(ann).get("/api/v1/inbox/counts").then().statusCode(200).body("unread", equalTo(3)).body("total", equalTo(4));
        as(ann).contentType(ContentType.JSON).body("{\"ids\":[\"" + ids.get(1) + "\",\"" + ids.get(2) + "\",\"not-mine\"],\"read\":true}")
                .post("/api/v1/inbox/mark").then().statusCode(200)
                .body("updated", equalTo(2)).body("counts.unread", equalTo(1)).body("counts.total", equalTo(4));
        assertEquals(List.of(ids.get(3)), inbox(ann, "?filter=unread").getList("items.id"));
        as(ann).contentType(ContentType.JSON).body("{\"all\":true,\"archived\":true}").post("/api/v1/inbox/mark")
                .then().statusCode(200).body("updated", equalTo(4)).body("counts.total", equalTo(0));
        assertEquals(4, inbox(ann, "?filter=archived").getList("items").size());
        assertEquals(List.of(), inbox(ann, "").getList("items"));
    }

    @Test
    void pagesNewestFirst() {
        String ann = unique("ann-");
        List<String> ids = IntStream.range(0, 3).mapToObj(n -> publishToInbox(Integer.toString(n), ann)).toList();
        JsonPath first = inbox(ann, "?limit=2");
        assertEquals(List.of(ids.get(2), ids.get(1)), first.getList("items.id"));
        JsonPath second = inbox(ann, "?limit=2&before=" + first.getString("next"));
        assertEquals(List.of(ids.get(0)), second.getList("items.id"));
        assertEquals(null, second.getString("next"));
    }

    @Test
    void deletesAndThenAnswers404AsForAnotherUsersItem() {
        String ann = unique("ann-");
        String bob = unique("bob-");
        String id = publishToInbox("1", ann);
        problem(as(bob).contentType(ContentType.JSON).body("{\"read\":true}").patch("/api/v1/inbox/" + id).then(), 404);
        problem(as(bob).delete("/api/v1/inbox/" + id).then(), 404);
        as(ann).delete("/api/v1/inbox/" + id).then().statusCode(204);
        problem(as(ann).delete("/api/v1/inbox/" + id).then(), 404);
        problem(as(ann).contentType(ContentType.JSON).body("{\"read\":true}").patch("/api/v1/inbox/" + id).then(), 404);
    }

    @Test
    void aRecallRemovesTheNotificationFromEveryInbox() {
        String ann = unique("ann-");
        String bob = unique("bob-");
        String id = publishToInbox("1", ann, bob);
        publisher().get("/api/v1/users/" + bob + "/inbox/counts").then().statusCode(200).body("unread", equalTo(1));
        problem(given().delete("/api/v1/notifications/" + id).then(), 401);
        publisher().delete("/api/v1/notifications/" + id).then().statusCode(200).body("removed", equalTo(2));
        assertEquals(List.of(), inbox(ann, "").getList("items"));
        publisher().get("/api/v1/users/" + bob + "/inbox/counts").then().statusCode(200)
                .body("unread", equalTo(0)).body("total", equalTo(0));
        problem(publisher().delete("/api/v1/notifications/" + id).then(), 404);
    }

    @Test
    void refusesBadInputClearlyAndChangesNothing() {
        String ann = unique("ann-");
        String id = publishToInbox("1", ann);
        String path = "/api/v1/inbox/" + id;
        problem(given().get("/api/v1/inbox").then(), 401).header("WWW-Authenticate", containsString("Bearer"));
        problem(as(ann).get("/api/v1/inbox?filter=new").then(), 400);
        problem(as(ann).get("/api/v1/inbox?limit=0").then(), 400);
        problem(as(ann).get("/api/v1/inbox?limit=101").then(), 400);
        problem(as(ann).get("/api/v1/inbox?before=gone").then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{\"read\":true,\"seen\":true}").patch(path).then(), 400)
                .body("detail", containsString("seen"));
        problem(as(ann).contentType(ContentType.JSON).body("{\"read\":\"yes\"}").patch(path).then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{}").patch(path).then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{\"read\":true,\"read\":false}").patch(path).then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("not json").patch(path).then(), 400);
        problem(as(ann).contentType(ContentType.TEXT).body("{\"read\":true}").patch(path).then(), 415);
        problem(as(ann).contentType(ContentType.JSON).body("{\"read\":true}").patch("/api/v1/inbox/" + "x".repeat(1024)).then(), 400);
        String tooMany = IntStream.range(0, 1001).mapToObj(n -> "\"i" + n + "\"").collect(Collectors.joining(","));
        problem(as(ann).contentType(ContentType.JSON).body("{\"ids\":[" + tooMany + "],\"read\":true}").post("/api/v1/inbox/mark").then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{\"ids\":[],\"read\":true}").post("/api/v1/inbox/mark").then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{\"all\":false,\"read\":true}").post("/api/v1/inbox/mark").then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{\"all\":true,\"read\":true,\"archived\":true}").post("/api/v1/inbox/mark").then(), 400);
        problem(as(ann).contentType(ContentType.JSON).body("{\"all\":true,\"ids\":[\"" + id + "\"],\"read\":true}").post("/api/v1/inbox/mark").then(), 400);
        problem(publisher().body("{\"channel\":\"team:x\",\"data\":1,\"inbox\":true}").post("/api/v1/notifications").then(), 400);
        problem(publisher().get("/api/v1/users/a%20b/inbox/counts").then(), 400);
        JsonPath unchanged = inbox(ann, "");
        assertEquals(List.of(id), unchanged.getList("items.id"));
        assertEquals(false, unchanged.getBoolean("items[0].read"));
    }

    @Test
    void browsersOnAnAllowedOriginMayChangeTheInboxWithTheirCookie() {
        String ann = unique("ann-");
        String id = publishToInbox("1", ann);
        given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "PATCH")
                .header("Access-Control-Request-Headers", "content-type").options("/api/v1/inbox/" + id)
                .then().statusCode(204).header("Access-Control-Allow-Origin", ALLOWED)
                .header("Access-Control-Allow-Methods", containsString("PATCH"))
                .header("Access-Control-Allow-Headers", containsString("Content-Type"));
        given().cookie("relay_token", TestTokens.valid(ann)).header("Origin", ALLOWED).contentType(ContentType.JSON)
                .body("{\"read\":true}").patch("/api/v1/inbox/" + id)
                .then().statusCode(200).header("Access-Control-Allow-Origin", ALLOWED).body("read", equalTo(true));
        problem(given().cookie("relay_token", TestTokens.valid(ann)).contentType(ContentType.JSON)
                .body("{\"read\":false}").patch("/api/v1/inbox/" + id).then(), 403);
        problem(given().cookie("relay_token", TestTokens.valid(ann)).header("Origin", "https://evil.example.net")
                .delete("/api/v1/inbox/" + id).then(), 403);
        given().cookie("relay_token", TestTokens.valid(ann)).get("/api/v1/inbox/counts").then().statusCode(200)
                .body("unread", equalTo(0)).body("total", equalTo(1));
    }
}
