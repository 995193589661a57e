package io.relay;

import static io.restassured.RestAssured.given;

/** Reads Relay's Prometheus metrics the way an operator's scraper does. */
public final class Metrics {

    private Metrics() {
    }

    /** The sum of every sample whose line starts with {@code prefix} (a name, optionally with its tags). */
    public static double sum(String prefix) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Long-polls waiting right now on this replica. */
    public static double waitingLongPolls() {
        return sum("relay_connections{transport=\"long_poll\"}");
    }

    public static double openSseStreams() {
        return sum("relay_connections{transport=\"sse\"}");
    }
}
