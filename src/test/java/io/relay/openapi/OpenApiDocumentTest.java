package io.relay.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.WebSocket;
import io.relay.transport.ws.WsEndpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;

/**
 * {@code /q/openapi} describes every route the service answers: the Vert.x routes (publish, the
 * transports, the browser client) and the JAX-RS resources, each method with its responses; and it
 * describes nothing the service does not answer (the dev-only demo routes aside).
 */
@QuarkusTest
class OpenApiDocumentTest {

    /** Quarkus's own routes: health, metrics, the document itself, Dev UI. */
    private static final String QUARKUS_ROOT = "/q/";

    /**
     * Quarkus's routes under /q/, its mount at / for every method (static resources, then not found),
     * and websockets-next's mount of the WebSocket endpoint for every method, where GET is the
     * documented upgrade and every other method gets WsHandshake's 405.
     */
    private static boolean isQuarkusMount(String path, Route route) {
        return path.startsWith(QUARKUS_ROOT) || path.equals("/") && anyMethod(route)
                || path.equals(WsEndpoint.class.getAnnotation(WebSocket.class).path()) && anyMethod(route);
    }

    private static boolean anyMethod(Route route) {
        return route.methods() == null || route.methods().isEmpty();
    }

    @Inject
    ServedRoutes served;

    @Test
    void describesEveryVertxRouteTheServiceAnswers() {
        JsonObject paths = document().getJsonObject("paths");
        List<String> undocumented = new ArrayList<>();
        for (Route route : served.router().getRoutes()) {
            String path = route.getPath();
            if (path == null || isQuarkusMount(path, route)) {
                continue;
            }
            if (anyMethod(route)) {
                undocumented.add("any method " + path);
                continue;
            }
            for (io.vertx.core.http.HttpMethod method : route.methods()) {
                // HEAD is answered wherever GET is (RFC 9110 section 9.3.2)
                String name = method == io.vertx.core.http.HttpMethod.HEAD ? "get" : method.name().toLowerCase(Locale.ROOT);
                if (operation(paths, path, name) == null) {
                    undocumented.add(method.name() + " " + path);
                }
            }
        }
        assertEquals(List.of(), undocumented);
    }

    @Test
    void describesEveryJaxRsResourceMethod() throws Exception {
        JsonObject paths = document().getJsonObject("paths");
        List<String> resources = jaxRsOperations();
        assertFalse(resources.isEmpty(), "the publisher-side control resource exists");
        for (String operation : resources) {
            String[] methodAndPath = operation.split(" ", 2);
            assertTrue(operation(paths, methodAndPath[1], methodAndPath[0].toLowerCase(Locale.ROOT)) != null,
                    operation + " is missing from /q/openapi");
        }
    }

    @Test
    void everyOperationHasResponsesAndEveryErrorIsAProblem() {
        JsonObject paths = document().getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            for (String method : item.fieldNames()) {
                JsonObject responses = item.getJsonObject(method).getJsonObject("responses");
                assertTrue(responses != null && !responses.isEmpty(), method + " " + path + " has no responses");
            }
        }
        JsonObject shared = document().getJsonObject("components").getJsonObject("responses");
        for (String name : shared.fieldNames()) {
            assertTrue(shared.getJsonObject(name).getJsonObject("content").containsKey("application/problem+json"),
                    name + " is answered as problem+json");
        }
    }

    @Test
    void describesNoRouteTheServiceDoesNotAnswer() throws Exception {
        JsonObject paths = document().getJsonObject("paths");
        Set<String> answered = new TreeSet<>(jaxRsOperations().stream().map(op -> op.split(" ", 2)[1]).toList());
        for (Route route : served.router().getRoutes()) {
            if (route.getPath() != null && !isQuarkusMount(route.getPath(), route)) {
                answered.add(route.getPath());
            }
        }
        for (String documented : paths.fieldNames()) {
            boolean demoOnly = paths.getJsonObject(documented).stream()
                    .allMatch(op -> ((JsonObject) op.getValue()).getJsonArray("tags").contains("demo"));
            Pattern template = template(documented);
            assertTrue(demoOnly || answered.stream().anyMatch(path -> template.matcher(path).matches()),
                    documented + " is documented but not served");
        }
    }

    @Test
    void isServedAsYamlToo() {
        given().get("/q/openapi").then().statusCode(200).contentType(org.hamcrest.Matchers.containsString("yaml"));
    }

    private static JsonObject document() {
        return new JsonObject(given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
    }

    /** The operation for a concrete or templated path, or null; {@code {name}} in the document matches a segment. */
    private static JsonObject operation(JsonObject paths, String path, String method) {
        for (String documented : paths.fieldNames()) {
            if (documented.equals(path) || template(documented).matcher(path).matches()) {
                JsonObject operation = paths.getJsonObject(documented).getJsonObject(method);
                if (operation != null) {
                    return operation;
                }
            }
        }
        return null;
    }

    private static Pattern template(String documented) {
        StringBuilder regex = new StringBuilder();
        for (String part : documented.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** "GET /api/v1/..." for every resource method of every JAX-RS resource class the build compiled. */
    private static List<String> jaxRsOperations() throws IOException, ClassNotFoundException {
        Path classes = Path.of("target/classes");
        List<String> operations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OpenApiDocumentTest.class.getClassLoader());
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                    for (var annotation : method.getAnnotations()) {
                        HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
                        if (verb != null) {
                            operations.add(verb.value() + " " + join(root.value(), sub == null ? "" : sub.value()));
                        }
                    }
                }
            }
        }
        return operations;
    }

    private static String join(String root, String sub) {
        String path = "/" + root.replaceAll("^/|/$", "") + (sub.isEmpty() ? "" : "/" + sub.replaceAll("^/", ""));
        return path.replaceAll("//+", "/");
    }
}
