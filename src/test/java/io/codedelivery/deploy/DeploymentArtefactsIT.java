package io.codedelivery.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Role;
import io.codedelivery.config.Setting;
import io.codedelivery.model.Topics;
import io.codedelivery.support.TestStack;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file, the Kubernetes manifests and the Connect configs, checked against the code they deploy:
 * these machines have no Docker engine or cluster, so the files are parsed and cross-checked, not run.
 */
class DeploymentArtefactsIT {
  /** Read by the JVM itself, not by the application's configuration. */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
  private static final Set<String> APPLICATION_VARIABLES = Arrays.stream(Setting.values()).map(Setting::envVar)
      .collect(Collectors.toSet());
  private static List<HasMetadata> manifests;

  @BeforeAll
  static void renderKustomization() throws Exception {
    assumeTrue(new File("/usr/bin/kubectl").canExecute() || onPath("kubectl"),
        "kubectl is not installed: the Kubernetes manifests cannot be rendered here");
    Process kustomize = new ProcessBuilder("kubectl", "kustomize", "kubernetes/").redirectErrorStream(false).start();
    String rendered = new String(kustomize.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String errors = new String(kustomize.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kustomize.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kustomize.exitValue()).as("kubectl kustomize: %s", errors).isZero();
    manifests = new ArrayList<>();
    for (String document : rendered.split("(?m)^---$")) {
      if (!document.isBlank()) {
        manifests.add(Serialization.unmarshal(document));
      }
    }
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> new File(dir, command).canExecute());
  }

  private static <T extends HasMetadata> List<T> manifestsOf(Class<T> kind) {
    return manifests.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  @Test
  void theKustomizationRendersTheObjectsOfEveryRole() {
    assertThat(manifests).noneMatch(m -> m instanceof KubernetesList);
    Set<String> kinds = manifests.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    assertThat(kinds).contains("Namespace", "ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");
    Set<String> roles = new HashSet<>();
    for (Deployment deployment : manifestsOf(Deployment.class)) {
      Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      app.getEnv().stream().filter(e -> e.getName().equals("ROLES")).map(EnvVar::getValue).forEach(v -> roles.addAll(List.of(v.split(","))));
      assertThat(app.getResources().getRequests()).as("requests of %s", deployment.getMetadata().getName()).containsKeys("cpu", "memory");
      assertThat(app.getResources().getLimits()).as("limits of %s", deployment.getMetadata().getName()).containsKey("memory");
      assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true");
    }
    assertThat(roles).containsExactlyInAnyOrderElementsOf(Arrays.stream(Role.values()).map(Role::configName).toList());
  }

  /**
   * A variable whose value is a credential: a setting the application keeps out of its logs, the MongoDB URI (it
   * carries the user and password), or one named like a password or secret (ADMIN_PASSWORD, AUTH_TOKEN_SECRET).
   */
  private static boolean holdsASecret(String variable) {
    return SECRET_VARIABLES.contains(variable) || variable.equals(Setting.MONGO_URI.envVar())
        || variable.contains("PASSWORD") || variable.contains("SECRET") || variable.contains("JAAS");
  }

  private static final Set<String> SECRET_VARIABLES = Arrays.stream(Setting.values()).filter(Setting::isSecret).map(Setting::envVar)
      .collect(Collectors.toSet());

  @Test
  void credentialsLiveInSecretsNeverInConfigMaps() {
    for (ConfigMap configMap : manifestsOf(ConfigMap.class)) {
      assertThat(configMap.getData().keySet()).noneMatch(DeploymentArtefactsIT::holdsASecret);
    }
    assertThat(manifestsOf(Secret.class)).anySatisfy(secret -> assertThat(secret.getStringData()).containsKey("MONGO_URI"));
    assertThat(manifestsOf(Secret.class)).anySatisfy(secret ->
        assertThat(secret.getStringData()).containsKeys("ADMIN_PASSWORD", "AUTH_TOKEN_SECRET"));
  }

  @Test
  void noDeploymentSpellsOutASecretEachIsReadFromASecretKey() {
    Map<String, Secret> secrets = manifestsOf(Secret.class).stream().collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
    Set<String> read = new HashSet<>();
    for (Deployment deployment : manifestsOf(Deployment.class)) {
      for (EnvVar variable : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        if (!holdsASecret(variable.getName())) {
          continue;
        }
        String where = variable.getName() + " of " + deployment.getMetadata().getName();
        assertThat(variable.getValue()).as("%s is not written in the manifest", where).isNull();
        SecretKeySelector key = variable.getValueFrom() == null ? null : variable.getValueFrom().getSecretKeyRef();
        assertThat(key).as("%s comes from a Secret key", where).isNotNull();
        assertThat(secrets).as("the Secret of %s", where).containsKey(key.getName());
        if (!Boolean.TRUE.equals(key.getOptional())) {
          assertThat(secrets.get(key.getName()).getStringData()).as("the Secret of %s", where).containsKey(key.getKey());
        }
        read.add(variable.getName());
      }
    }
    assertThat(read).contains("ADMIN_PASSWORD", "AUTH_TOKEN_SECRET", Setting.KAFKA_SASL_JAAS_CONFIG.envVar());
  }

  @Test
  void everyVariableTheManifestsSetIsOneTheApplicationReads() {
    Set<String> set = new HashSet<>();
    manifestsOf(ConfigMap.class).forEach(c -> set.addAll(c.getData().keySet()));
    manifestsOf(Secret.class).forEach(s -> set.addAll(s.getStringData() == null ? Set.of() : s.getStringData().keySet()));
    manifestsOf(Deployment.class).forEach(d -> d.getSpec().getTemplate().getSpec().getContainers()
        .forEach(c -> c.getEnv().forEach(e -> set.add(e.getName()))));

    assertThat(set).isNotEmpty().allSatisfy(name ->
        assertThat(APPLICATION_VARIABLES.contains(name) || JVM_VARIABLES.contains(name)).as("%s is read by the application", name).isTrue());
  }

  @Test
  void everyProbeAsksAPathTheRunningAppServesOnTheManagementPort() throws Exception {
    int managementPort = AppConfig.load(Map.of()).managementPort();
    TestStack stack = TestStack.shared();
    HttpClient http = HttpClient.newHttpClient();
    for (Deployment deployment : manifestsOf(Deployment.class)) {
      Container app = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      List<Probe> probes = Stream.of(app.getLivenessProbe(), app.getReadinessProbe(), app.getStartupProbe()).filter(Objects::nonNull).toList();
      assertThat(probes).as("probes of %s", deployment.getMetadata().getName()).hasSizeGreaterThanOrEqualTo(2);
      for (Probe probe : probes) {
        String port = probe.getHttpGet().getPort().getStrVal();
        int number = port == null ? probe.getHttpGet().getPort().getIntVal()
            : app.getPorts().stream().filter(p -> port.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElseThrow();
        assertThat(number).isEqualTo(managementPort);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + probe.getHttpGet().getPath()))
            .timeout(java.time.Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET %s", probe.getHttpGet().getPath()).isEqualTo(200);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyComposeServiceIsPinnedAndHealthCheckedOrWaitsOnOne() throws Exception {
    Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("compose/docker-compose.yml")));
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");

    assertThat(services.keySet()).contains("kafka", "mongo", "connect", "elasticsearch", "kibana", "prometheus", "grafana", "app", "init");
    services.forEach((name, service) -> {
      String image = String.valueOf(service.get("image"));
      assertThat(image).as("image of %s", name).matches(".+:[^:]+$").doesNotEndWith(":latest");
      boolean waitsOnHealth = service.get("depends_on") instanceof Map<?, ?> deps
          && deps.values().stream().allMatch(d -> d instanceof Map<?, ?> m && m.containsKey("condition"));
      assertThat(service.containsKey("healthcheck") || waitsOnHealth).as("%s has a healthcheck or waits on conditions", name).isTrue();
    });
    Map<String, Object> appEnvironment = (Map<String, Object>) services.get("app").get("environment");
    assertThat(appEnvironment.keySet()).allSatisfy(variable ->
        assertThat(APPLICATION_VARIABLES.contains(variable) || JVM_VARIABLES.contains(variable)).as("%s is read by the application", variable).isTrue());
  }

  /** The compose file names its secrets and takes their values from compose/.env, which .env.example lists and git ignores. */
  @Test
  @SuppressWarnings("unchecked")
  void theComposeSecretsComeFromTheUncommittedEnvFile() throws Exception {
    Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("compose/docker-compose.yml")));
    Map<String, Object> app = ((Map<String, Map<String, Object>>) compose.get("services")).get("app");
    Map<String, Object> environment = (Map<String, Object>) app.get("environment");
    Set<String> example = Files.readAllLines(Path.of("compose/.env.example")).stream()
        .filter(line -> line.matches("[A-Z_]+=.*")).map(line -> line.substring(0, line.indexOf('='))).collect(Collectors.toSet());

    List<String> secrets = environment.keySet().stream().filter(DeploymentArtefactsIT::holdsASecret)
        .filter(variable -> !variable.equals(Setting.MONGO_URI.envVar())).toList();
    assertThat(secrets).contains("ADMIN_PASSWORD", "AUTH_TOKEN_SECRET").allSatisfy(variable -> {
      assertThat(String.valueOf(environment.get(variable))).as("%s of compose", variable).matches("\\$\\{" + variable + ":[-?].*}");
      assertThat(example).as("compose/.env.example").contains(variable);
    });
    Process ignored = new ProcessBuilder("git", "check-ignore", "-q", "compose/.env").start();
    assertThat(ignored.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ignored.exitValue()).as("git ignores compose/.env").isZero();
  }

  @Test
  void theConnectorConfigsParseAndNameTheApplicationsTopics() throws Exception {
    Set<String> topics = new HashSet<>();
    String init = Files.readString(Path.of("compose/init/init.sh"));
    try (Stream<Path> files = Files.list(Path.of("connect"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("elasticsearch-sink")).toList()) {
        JsonObject config = new JsonObject(Files.readString(file));
        assertThat(config.getString("connector.class")).contains("ElasticsearchSinkConnector");
        topics.addAll(List.of(config.getString("topics").split(",")));
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        // Registered, then asked for its status: both loops of init.sh name it.
        assertThat(init.lines().filter(line -> line.startsWith("for name in ")))
            .as("compose/init/init.sh's connector loops").hasSize(2).allMatch(line -> line.contains(" " + name));
      }
    }
    assertThat(topics).containsExactlyInAnyOrder(Topics.NEW_POSITION, Topics.NEW_DIRECTION, Topics.DELIVERY_EVENTS);
    JsonObject template = new JsonObject(Files.readString(Path.of("connect/index-template.json")));
    JsonObject properties = template.getJsonObject("template").getJsonObject("mappings").getJsonObject("properties");
    assertThat(properties.getJsonObject("position").getString("type")).isEqualTo("geo_point");
    assertThat(properties.getJsonObject("timestamp").getString("type")).isEqualTo("date");
    assertThat(properties.getJsonObject("at").getString("type")).as("an event's time").isEqualTo("date");
    assertThat(properties.getJsonObject("type").getString("type")).as("an event's type").isEqualTo("keyword");
    assertThat(template.getJsonArray("index_patterns", new JsonArray())).contains(Topics.NEW_POSITION + "*", Topics.DELIVERY_EVENTS + "*");
    assertThat(Files.readString(Path.of("connect/ingest-pipeline.json"))).as("events are indexed under their own id")
        .contains("startsWith('" + Topics.DELIVERY_EVENTS + "')", "{{{eventId}}}");
    assertKibanaObjectsReferToOneAnother();
  }

  /**
   * Every saved object has a type and an id, every reference names one of them, and the dashboard shows the events'
   * views: an import with a dangling reference fails in Kibana, which this machine does not run.
   */
  private static void assertKibanaObjectsReferToOneAnother() throws Exception {
    Map<String, JsonObject> byId = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("connect/kibana-saved-objects.ndjson"))) {
      if (!line.isBlank()) {
        JsonObject object = new JsonObject(line);
        assertThat(object.getString("type")).isNotBlank();
        byId.put(object.getString("id"), object);
      }
    }
    byId.values().forEach(object -> object.getJsonArray("references", new JsonArray()).stream().map(JsonObject.class::cast)
        .forEach(reference -> {
          JsonObject target = byId.get(reference.getString("id"));
          assertThat(target).as("%s refers to %s", object.getString("id"), reference).isNotNull();
          assertThat(target.getString("type")).as("the type of %s", reference).isEqualTo(reference.getString("type"));
        }));
    assertThat(byId.get("code-delivery-events").getJsonObject("attributes").getString("title")).isEqualTo(Topics.DELIVERY_EVENTS + "*");
    assertThat(byId.get("code-delivery-dashboard").getJsonArray("references").stream().map(r -> ((JsonObject) r).getString("id")))
        .contains("code-delivery-events-per-hour", "code-delivery-late-deliveries");
  }
}
