package io.relay.browser;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code /client/relay.js} can be imported by a page on any origin and is revalidated, so an
 * upgrade is never hidden behind a cached old client; the versioned copy is cached for good.
 */
@QuarkusTest
class ClientScriptTest {

    @ConfigProperty(name = "quarkus.application.version")
    String version;

    @Test
    void servesTheNpmPackagesFileToAnyOriginAndRevalidates() throws IOException {
        String body = given().header("Origin", "https://pages.example.org").get("/client/relay.js").then().statusCode(200)
                .contentType(containsString("text/javascript"))
                .header("Access-Control-Allow-Origin", "*")
                .header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("ETag", not(emptyString()))
                .extract().asString();
        assertEquals(Files.readString(Path.of("clients/js/relay.js")), body);
    }

    @Test
    void servesThisVersionsCopyAsImmutable() {
        given().get("/client/relay-" + version + ".js").then().statusCode(200)
                .contentType(containsString("text/javascript"))
                .header("Access-Control-Allow-Origin", "*")
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .body(containsString("export class RelayClient"));
    }

    @Test
    void answersNotModifiedToTheSameEntityTag() {
        String etag = given().get("/client/relay.js").then().extract().header("ETag");
        given().header("If-None-Match", "\"other\", " + etag).get("/client/relay.js").then().statusCode(304)
                .header("ETag", equalTo(etag)).body(emptyString());
        given().header("If-None-Match", "W/" + etag).get("/client/relay-" + version + ".js").then().statusCode(304);
    }

    @Test
    void answersHeadWithTheLengthAndNoBody() throws IOException {
        given().head("/client/relay.js").then().statusCode(200)
                .header("Content-Length", String.valueOf(Files.size(Path.of("clients/js/relay.js"))))
                .body(emptyString());
    }

    @Test
    void servesNoOtherVersion() {
        given().get("/client/relay-0.0.1.js").then().statusCode(404);
    }
}
