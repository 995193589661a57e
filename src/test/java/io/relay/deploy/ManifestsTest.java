package io.relay.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.RelaySettings;

/**
 * deploy/ validated offline: every file parses into the Kubernetes object model (fabric8, as Quarkus
 * uses), every kustomization names files that exist, and the manifests agree with the application:
 * probe paths answer on the running service, every setting is a real one, resources are set, the
 * security context is hardened and the grace period covers the drain.
 */
@QuarkusTest
class ManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Settings that are not relay.* but that the manifests may set. */
    private static final Set<String> OTHER_SETTINGS = Set.of("QUARKUS_REDIS_HOSTS", "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING",
            "JAVA_OPTS_APPEND");
    private static final int CLOSE_WAIT_SECONDS = 3;

    @Test
    void everyFileParsesAndEveryKustomizationNamesExistingFiles() throws IOException {
        for (Path file : yamlFiles()) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                Map<String, Object> kustomization = YAML.readValue(file.toFile(),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                        });
                for (String key : List.of("resources", "patchesStrategicMerge")) {
                    for (Object entry : (List<?>) kustomization.getOrDefault(key, List.of())) {
                        String path = entry instanceof Map<?, ?> patch ? (String) patch.get("path") : (String) entry;
                        assertTrue(Files.exists(file.getParent().resolve(path)), file + " names " + path);
                    }
                }
            } else {
                for (HasMetadata object : objects(file)) {
                    assertFalse(object instanceof GenericKubernetesResource, file + ": unknown kind " + object.getKind());
                    assertNotNull(object.getMetadata().getName(), file + ": a name");
                }
            }
        }
    }

    @Test
    void theDeploymentIsHardenedSizedAndProbedWhereTheServiceAnswers() throws IOException {
        Deployment deployment = one(DEPLOY.resolve("base/deployment.yaml"), Deployment.class);
        assertTrue(deployment.getSpec().getReplicas() >= 2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertNotNull(pod.getAffinity().getPodAntiAffinity(), "replicas spread over nodes");
        Container relay = pod.getContainers().get(0);
        assertEquals(8080, relay.getPorts().get(0).getContainerPort(), "quarkus.http.port");
        assertEquals("http", relay.getPorts().get(0).getName());
        assertFalse(relay.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(relay.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), relay.getSecurityContext().getCapabilities().getDrop());
        for (String resource : List.of("cpu", "memory")) {
            assertNotNull(relay.getResources().getRequests().get(resource), "request " + resource);
            assertNotNull(relay.getResources().getLimits().get(resource), "limit " + resource);
        }
        for (Probe probe : List.of(relay.getStartupProbe(), relay.getLivenessProbe(), relay.getReadinessProbe())) {
            HTTPGetAction get = probe.getHttpGet();
            assertEquals("http", get.getPort().getStrVal());
            given().get(get.getPath()).then().statusCode(200);
        }
        assertEquals("/q/health/ready", relay.getReadinessProbe().getHttpGet().getPath());
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
        given().get(annotations.get("prometheus.io/path")).then().statusCode(200);
    }

    @Test
    void theGracePeriodCoversPreStopDrainAndClose() throws IOException {
        PodSpec pod = one(DEPLOY.resolve("base/deployment.yaml"), Deployment.class).getSpec().getTemplate().getSpec();
        List<String> preStop = pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.get(0));
        long drain = Duration.parse("PT" + configMap().getData().get("RELAY_SHUTDOWN_DRAIN_DELAY").toUpperCase()).toSeconds();
        long needed = Long.parseLong(preStop.get(1)) + drain + CLOSE_WAIT_SECONDS;
        assertTrue(pod.getTerminationGracePeriodSeconds() >= needed + 5,
                "grace " + pod.getTerminationGracePeriodSeconds() + " s for " + needed + " s of shutdown");
    }

    @Test
    void everySettingTheManifestsSetIsARealOne() throws IOException {
        Set<String> relaySettings = new java.util.HashSet<>();
        RelaySettings.all().keySet().forEach(property -> relaySettings.add(RelaySettings.envName(property)));
        List<String> names = new ArrayList<>(configMap().getData().keySet());
        for (Path file : yamlFiles()) {
            for (HasMetadata object : file.getFileName().toString().equals("kustomization.yaml") ? List.<HasMetadata>of()
                    : objects(file)) {
                if (object instanceof Deployment deployment) {
                    for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                        if (container.getEnv() != null) {
                            container.getEnv().stream().map(EnvVar::getName).forEach(names::add);
                        }
                    }
                } else if (object instanceof Secret secret) {
                    names.addAll(secret.getStringData().keySet());
                }
            }
        }
        for (String name : names) {
            assertTrue(relaySettings.contains(name) || OTHER_SETTINGS.contains(name), name + " is not a setting of Relay");
        }
    }

    @Test
    void serviceBudgetAndAutoscalerPointAtTheDeployment() throws IOException {
        Deployment deployment = one(DEPLOY.resolve("base/deployment.yaml"), Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Service service = one(DEPLOY.resolve("base/service.yaml"), Service.class);
        assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        PodDisruptionBudget budget = one(DEPLOY.resolve("base/pdb.yaml"), PodDisruptionBudget.class);
        assertTrue(podLabels.entrySet().containsAll(budget.getSpec().getSelector().getMatchLabels().entrySet()));
        HorizontalPodAutoscaler autoscaler = one(DEPLOY.resolve("base/hpa.yaml"), HorizontalPodAutoscaler.class);
        assertEquals(deployment.getMetadata().getName(), autoscaler.getSpec().getScaleTargetRef().getName());
        assertTrue(autoscaler.getSpec().getMinReplicas() >= 2);
    }

    @Test
    void theRedisOverlayRunsTheRedisTheConfigNames() throws IOException {
        List<HasMetadata> redis = objects(DEPLOY.resolve("overlays/redis-statefulset/redis.yaml"));
        StatefulSet statefulSet = redis.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow();
        Service service = redis.stream().filter(Service.class::isInstance).map(Service.class::cast).findFirst().orElseThrow();
        assertEquals("redis://" + service.getMetadata().getName() + ":" + service.getSpec().getPorts().get(0).getPort(),
                configMap().getData().get("QUARKUS_REDIS_HOSTS"));
        assertEquals("redis", configMap().getData().get("RELAY_ENGINE"));
        assertNotNull(statefulSet.getSpec().getVolumeClaimTemplates().get(0), "Redis keeps its data on a volume");
        assertTrue(statefulSet.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    }

    @Test
    void theDashboardChartsOnlyDocumentedMetricsThatTheServiceExposes() throws IOException {
        String dashboard = Files.readString(DEPLOY.resolve("grafana-dashboard.json"));
        new ObjectMapper().readTree(dashboard);
        String operations = Files.readString(Path.of("docs/operations.md"));
        String exposed = given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher metric = java.util.regex.Pattern.compile("relay_[a-z_]+").matcher(dashboard);
        int charted = 0;
        while (metric.find()) {
            String name = metric.group().replaceAll("_(bucket|count|sum)$", "");
            assertTrue(operations.contains("`" + name + "`") || operations.contains("`" + name + "{"), name + " is not in docs/operations.md");
            assertTrue(exposed.contains(name) || operations.contains("`" + name + "{"), name + " is not exposed");
            charted++;
        }
        assertTrue(charted >= 8);
    }

    private static ConfigMap configMap() throws IOException {
        return one(DEPLOY.resolve("base/configmap.yaml"), ConfigMap.class);
    }

    private static <T> T one(Path file, Class<T> type) throws IOException {
        List<HasMetadata> objects = objects(file);
        assertEquals(1, objects.size(), file.toString());
        return type.cast(objects.get(0));
    }

    private static List<HasMetadata> objects(Path file) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
            if (!document.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
                objects.add(KUBERNETES.unmarshal(document));
            }
        }
        return objects;
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList();
        }
    }

}
