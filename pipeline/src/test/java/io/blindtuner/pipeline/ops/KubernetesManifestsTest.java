package io.blindtuner.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.config.KafkaSettings;
import io.blindtuner.pipeline.cloud.TrainerService;
import io.blindtuner.pipeline.kafka.Topic;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The {@code k8s/} manifests, validated without a cluster: each kustomization is rendered (a
 * renderer for the subset of kustomize they use — resources, namespace, strategic-merge patches
 * matched by kind and name, containers merged by name, configMapGenerator with create/replace, no
 * name hash — see k8s/README.md), every document is parsed into fabric8's Kubernetes model (KEDA
 * and Strimzi resources as generic ones), and rules are checked against the code: probes on the
 * port and paths {@link ManagementServer} serves, resources, non-root, a read-only root filesystem,
 * Secrets only at the hospital edge, autoscaling bounded by the partitions of the topic it
 * measures, selectors that select the trainer, one KafkaTopic per {@link Topic} with its partitions
 * and configs, and configuration that reference.conf knows. The rules are shown to fail on broken
 * documents.
 */
class KubernetesManifestsTest {
  static final Path K8S = Path.of("..", "k8s");
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, Class<? extends HasMetadata>> TYPED =
      Map.of(
          "Deployment",
          Deployment.class,
          "Job",
          Job.class,
          "ConfigMap",
          ConfigMap.class,
          "PersistentVolumeClaim",
          PersistentVolumeClaim.class,
          "PodDisruptionBudget",
          PodDisruptionBudget.class,
          "NetworkPolicy",
          NetworkPolicy.class,
          "HorizontalPodAutoscaler",
          HorizontalPodAutoscaler.class);

  @Test
  void everyOverlayRendersParsesAndKeepsEveryRule() throws IOException {
    for (String overlay : List.of("overlays/dev", "overlays/prod", "edge", "kafka")) {
      List<Map<String, Object>> docs = render(K8S.resolve(overlay));
      assertThat(docs).as(overlay).isNotEmpty();
      assertThat(violations(docs)).as(overlay).isEmpty();
    }
    List<String> kinds =
        render(K8S.resolve("overlays/prod")).stream().map(d -> (String) d.get("kind")).toList();
    assertThat(kinds)
        .contains(
            "Deployment", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy", "ScaledObject");
    assertThat(render(K8S.resolve("overlays/dev")).stream().map(d -> (String) d.get("kind")))
        .contains("HorizontalPodAutoscaler");
    assertThat(render(K8S.resolve("overlays/prod")))
        .allMatch(d -> "blindtuner".equals(meta(d).get("namespace")));
  }

  @Test
  void theOverlaysPatchTheBase() throws IOException {
    Deployment prod = typed(render(K8S.resolve("overlays/prod")), Deployment.class).get(0);
    Container c = prod.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getResources().getLimits().get("cpu")).isEqualTo(new Quantity("4"));
    // merged by name: the base's probes and mounts are still there
    assertThat(c.getReadinessProbe()).isNotNull();
    assertThat(c.getVolumeMounts()).isNotEmpty();
    ConfigMap conf = typed(render(K8S.resolve("overlays/prod")), ConfigMap.class).get(0);
    assertThat(conf.getData().get("application.conf")).contains("fixed-pool-size = 4");
  }

  @Test
  void brokenDocumentsAreFound() throws IOException {
    List<Map<String, Object>> prod = render(K8S.resolve("overlays/prod"));
    assertThat(
            violations(
                mutate(
                    prod,
                    "Deployment",
                    d ->
                        container(d)
                            .put("securityContext", Map.of("readOnlyRootFilesystem", false)))))
        .anyMatch(v -> v.contains("read-only root filesystem"));
    assertThat(
            violations(
                mutate(
                    prod,
                    "Deployment",
                    d ->
                        ((Map<String, Object>) container(d).get("readinessProbe"))
                            .put("httpGet", Map.of("path", "/healthz", "port", "management")))))
        .anyMatch(v -> v.contains("/healthz"));
    assertThat(violations(mutate(prod, "Deployment", d -> container(d).remove("resources"))))
        .anyMatch(v -> v.contains("requests and limits"));
    assertThat(
            violations(
                mutate(
                    prod,
                    "Deployment",
                    d ->
                        podSpec(d)
                            .put(
                                "volumes",
                                List.of(
                                    Map.of("name", "k", "secret", Map.of("secretName", "x")))))))
        .anyMatch(v -> v.contains("mounts Secret x"));
    assertThat(violations(mutate(prod, "ScaledObject", d -> spec(d).put("maxReplicaCount", 99))))
        .anyMatch(v -> v.contains("99 replicas"));
    assertThat(
            violations(
                mutate(
                    prod,
                    "PodDisruptionBudget",
                    d -> spec(d).put("selector", Map.of("matchLabels", Map.of("app", "other"))))))
        .anyMatch(v -> v.contains("selects no trainer"));
    assertThat(
            violations(
                mutate(
                    prod,
                    "ConfigMap",
                    d ->
                        ((Map<String, Object>) d.get("data"))
                            .put("application.conf", "blindtuner.services.checkpoint-evry = 5"))))
        .anyMatch(v -> v.contains("blindtuner.services.checkpoint-evry"));
    List<Map<String, Object>> topics = render(K8S.resolve("kafka"));
    assertThat(violations(mutate(topics, "KafkaTopic", d -> spec(d).put("partitions", 2))))
        .anyMatch(v -> v.contains("partitions"));
    assertThat(violations(topics.subList(1, topics.size())))
        .anyMatch(v -> v.contains("no KafkaTopic for " + Topic.values()[0].topicName()));
  }

  // ---- the rules ----

  @SuppressWarnings("unchecked")
  static List<String> violations(List<Map<String, Object>> docs) {
    List<String> out = new ArrayList<>();
    int managementPort =
        ConfigFactory.defaultReference().getInt("blindtuner.services.management.port");
    List<Deployment> deployments = typed(docs, Deployment.class);
    Map<String, String> trainerLabels =
        deployments.stream()
            .filter(d -> d.getMetadata().getName().equals("blindtuner-trainer"))
            .findFirst()
            .map(d -> d.getSpec().getTemplate().getMetadata().getLabels())
            .orElse(null);
    for (Map<String, Object> d : docs) {
      String kind = (String) d.get("kind");
      String name = kind + " " + meta(d).get("name");
      PodTemplateSpec pod =
          kind.equals("Deployment")
              ? parse(d, Deployment.class).getSpec().getTemplate()
              : kind.equals("Job") ? parse(d, Job.class).getSpec().getTemplate() : null;
      if (pod != null) {
        pods(out, name, pod, managementPort);
      }
      switch (kind) {
        case "ConfigMap" -> configMap(out, name, parse(d, ConfigMap.class));
        case "PodDisruptionBudget" ->
            selects(
                out,
                name,
                trainerLabels,
                parse(d, PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
        case "NetworkPolicy" ->
            selects(
                out,
                name,
                trainerLabels,
                parse(d, NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels());
        case "HorizontalPodAutoscaler" -> {
          HorizontalPodAutoscaler h = parse(d, HorizontalPodAutoscaler.class);
          scales(
              out, name, h.getSpec().getScaleTargetRef().getName(), h.getSpec().getMaxReplicas());
        }
        case "ScaledObject" -> {
          Map<String, Object> spec =
              (Map<String, Object>)
                  parse(d, GenericKubernetesResource.class).getAdditionalProperties().get("spec");
          scales(
              out,
              name,
              (String) ((Map<String, Object>) spec.get("scaleTargetRef")).get("name"),
              (Integer) spec.get("maxReplicaCount"));
          for (Map<String, Object> t : (List<Map<String, Object>>) spec.get("triggers")) {
            Map<String, Object> m = (Map<String, Object>) t.get("metadata");
            String group =
                KafkaSettings.from(ConfigFactory.defaultReference()).groupIdPrefix()
                    + TrainerService.JOBS_ROLE;
            if (!Topic.JOBS.topicName().equals(m.get("topic"))
                || !group.equals(m.get("consumerGroup"))) {
              out.add(
                  name
                      + " measures "
                      + m.get("consumerGroup")
                      + " on "
                      + m.get("topic")
                      + ", not "
                      + group
                      + " on "
                      + Topic.JOBS.topicName());
            }
          }
        }
        default -> {
          if (!TYPED.containsKey(kind) && !kind.equals("KafkaTopic")) {
            out.add(name + ": a kind the validation does not know");
          }
        }
      }
    }
    List<Map<String, Object>> topics =
        docs.stream().filter(d -> "KafkaTopic".equals(d.get("kind"))).toList();
    if (!topics.isEmpty()) {
      topics(out, topics);
    }
    return out;
  }

  private static void pods(List<String> out, String name, PodTemplateSpec pod, int managementPort) {
    PodSpec spec = pod.getSpec();
    boolean edge = "edge".equals(pod.getMetadata().getLabels().get("app.kubernetes.io/component"));
    for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
      if (v.getSecret() != null && !edge) {
        out.add(
            name
                + " mounts Secret "
                + v.getSecret().getSecretName()
                + ": only the hospital edge may");
      }
    }
    boolean podNonRoot =
        spec.getSecurityContext() != null
            && Boolean.TRUE.equals(spec.getSecurityContext().getRunAsNonRoot());
    for (Container c : spec.getContainers()) {
      String where = name + " container " + c.getName();
      var r = c.getResources();
      if (r == null
          || r.getRequests() == null
          || r.getLimits() == null
          || !r.getRequests().keySet().containsAll(List.of("cpu", "memory"))
          || !r.getLimits().keySet().containsAll(List.of("cpu", "memory"))) {
        out.add(where + " lacks cpu and memory requests and limits");
      }
      var sc = c.getSecurityContext();
      if (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
        out.add(where + " has no read-only root filesystem");
      }
      if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        out.add(where + " may escalate privileges");
      }
      if (!podNonRoot && (sc == null || !Boolean.TRUE.equals(sc.getRunAsNonRoot()))) {
        out.add(where + " may run as root");
      }
      List<ContainerPort> ports = c.getPorts() == null ? List.of() : c.getPorts();
      if (ports.stream().noneMatch(p -> p.getContainerPort() == managementPort)) {
        out.add(where + " does not declare the management port " + managementPort);
      }
      probe(out, where, "readiness", c.getReadinessProbe(), ports, List.of(ManagementServer.READY));
      probe(out, where, "liveness", c.getLivenessProbe(), ports, List.of(ManagementServer.LIVE));
      if (c.getStartupProbe() != null) {
        probe(
            out,
            where,
            "startup",
            c.getStartupProbe(),
            ports,
            List.of(ManagementServer.LIVE, ManagementServer.READY));
      }
    }
  }

  private static void probe(
      List<String> out,
      String where,
      String what,
      Probe p,
      List<ContainerPort> ports,
      List<String> paths) {
    if (p == null || p.getHttpGet() == null) {
      out.add(where + " has no HTTP " + what + " probe");
      return;
    }
    String path = p.getHttpGet().getPath();
    var port = p.getHttpGet().getPort();
    boolean declared =
        ports.stream()
            .anyMatch(
                cp ->
                    port.getStrVal() != null
                        ? port.getStrVal().equals(cp.getName())
                        : Objects.equals(port.getIntVal(), cp.getContainerPort()));
    if (!paths.contains(path) || !declared) {
      out.add(
          where
              + ": "
              + what
              + " probe "
              + path
              + " on port "
              + (port.getStrVal() != null ? port.getStrVal() : port.getIntVal())
              + "; the management server serves "
              + paths
              + " on a declared port");
    }
  }

  private static void configMap(List<String> out, String name, ConfigMap m) {
    Config reference = ConfigFactory.defaultReference();
    for (Map.Entry<String, String> e : m.getData().entrySet()) {
      if (!e.getKey().endsWith(".conf")) {
        continue;
      }
      Config c;
      try {
        c = ConfigFactory.parseString(e.getValue());
      } catch (ConfigException ex) {
        out.add(name + " " + e.getKey() + " does not parse: " + ex.getMessage());
        continue;
      }
      for (Map.Entry<String, ?> k : c.entrySet()) {
        if (!reference.hasPath(k.getKey())) {
          out.add(
              name
                  + " "
                  + e.getKey()
                  + " sets "
                  + k.getKey()
                  + ", which reference.conf does not have");
        }
      }
    }
  }

  private static void selects(
      List<String> out, String name, Map<String, String> trainer, Map<String, String> sel) {
    if (trainer == null
        || sel == null
        || sel.isEmpty()
        || !trainer.entrySet().containsAll(sel.entrySet())) {
      out.add(name + " selects no trainer pod (" + sel + ")");
    }
  }

  /**
   * Trainers beyond the jobs topic's partitions would idle: a trainer holds one while it trains a
   * job.
   */
  private static void scales(List<String> out, String name, String target, Integer max) {
    if (!"blindtuner-trainer".equals(target)) {
      out.add(name + " scales " + target + ", not the trainer");
    }
    if (max == null || max > Topic.JOBS.partitions()) {
      out.add(
          name
              + " allows "
              + max
              + " replicas, more than the "
              + Topic.JOBS.partitions()
              + " partitions of "
              + Topic.JOBS.topicName());
    }
  }

  @SuppressWarnings("unchecked")
  private static void topics(List<String> out, List<Map<String, Object>> docs) {
    Map<String, Map<String, Object>> byName = new TreeMap<>();
    for (Map<String, Object> d : docs) {
      Map<String, Object> spec =
          (Map<String, Object>)
              parse(d, GenericKubernetesResource.class).getAdditionalProperties().get("spec");
      if (byName.put((String) spec.get("topicName"), spec) != null) {
        out.add("two KafkaTopics for " + spec.get("topicName"));
      }
    }
    for (Topic t : Topic.values()) {
      Map<String, Object> spec = byName.remove(t.topicName());
      if (spec == null) {
        out.add("no KafkaTopic for " + t.topicName());
        continue;
      }
      if (!Objects.equals(spec.get("partitions"), t.partitions())) {
        out.add(
            "KafkaTopic "
                + t.topicName()
                + " has "
                + spec.get("partitions")
                + " partitions, the code "
                + t.partitions());
      }
      Map<String, String> declared = new TreeMap<>();
      ((Map<String, Object>) spec.getOrDefault("config", Map.of()))
          .forEach((k, v) -> declared.put(k, v.toString()));
      if (!declared.equals(new TreeMap<>(t.configs()))) {
        out.add(
            "KafkaTopic "
                + t.topicName()
                + " config "
                + declared
                + ", the code "
                + new TreeMap<>(t.configs()));
      }
    }
    byName.keySet().forEach(n -> out.add("KafkaTopic " + n + " is no topic the code declares"));
  }

  // ---- the renderer ----

  /**
   * Renders a kustomization directory into documents (YAML maps), in kustomize's order of
   * resources.
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> render(Path dir) throws IOException {
    Map<String, Object> k = new Yaml().load(Files.readString(dir.resolve("kustomization.yaml")));
    List<Map<String, Object>> docs = new ArrayList<>();
    for (String r : (List<String>) k.getOrDefault("resources", List.of())) {
      Path p = dir.resolve(r).normalize();
      if (Files.isDirectory(p)) {
        docs.addAll(render(p));
      } else {
        for (Object o : new Yaml().loadAll(Files.readString(p))) {
          if (o != null) {
            docs.add((Map<String, Object>) o);
          }
        }
      }
    }
    for (Map<String, Object> g :
        (List<Map<String, Object>>) k.getOrDefault("configMapGenerator", List.of())) {
      Map<String, Object> data = new LinkedHashMap<>();
      for (String f : (List<String>) g.get("files")) {
        data.put(Path.of(f).getFileName().toString(), Files.readString(dir.resolve(f)));
      }
      Map<String, Object> cm =
          new LinkedHashMap<>(
              Map.of(
                  "apiVersion",
                  "v1",
                  "kind",
                  "ConfigMap",
                  "metadata",
                  new LinkedHashMap<>(Map.of("name", g.get("name"))),
                  "data",
                  data));
      if ("replace".equals(g.get("behavior"))) {
        if (!docs.removeIf(
            d -> "ConfigMap".equals(d.get("kind")) && g.get("name").equals(meta(d).get("name")))) {
          throw new IllegalStateException(
              dir + ": replaces ConfigMap " + g.get("name") + ", which is not there");
        }
      }
      docs.add(cm);
    }
    for (Map<String, Object> patch :
        (List<Map<String, Object>>) k.getOrDefault("patches", List.of())) {
      Map<String, Object> p =
          new Yaml().load(Files.readString(dir.resolve((String) patch.get("path"))));
      Map<String, Object> target =
          docs.stream()
              .filter(
                  d ->
                      p.get("kind").equals(d.get("kind"))
                          && meta(p).get("name").equals(meta(d).get("name")))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          dir + ": patch " + patch.get("path") + " matches nothing"));
      merge(target, p);
    }
    if (k.get("namespace") != null) {
      docs.forEach(d -> meta(d).put("namespace", k.get("namespace")));
    }
    return docs;
  }

  /**
   * Strategic merge as kustomize does it for these manifests: maps recursively, lists of named maps
   * by name.
   */
  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> base, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object b = base.get(e.getKey());
      if (b instanceof Map && e.getValue() instanceof Map) {
        merge((Map<String, Object>) b, (Map<String, Object>) e.getValue());
      } else if (b instanceof List<?> bl
          && e.getValue() instanceof List<?> pl
          && named(bl)
          && named(pl)) {
        for (Object item : pl) {
          Map<String, Object> pi = (Map<String, Object>) item;
          Map<String, Object> match =
              (Map<String, Object>)
                  bl.stream()
                      .filter(x -> ((Map<String, Object>) x).get("name").equals(pi.get("name")))
                      .findFirst()
                      .orElse(null);
          if (match != null) {
            merge(match, pi);
          } else {
            ((List<Object>) bl).add(pi);
          }
        }
      } else {
        base.put(e.getKey(), e.getValue());
      }
    }
  }

  private static boolean named(List<?> l) {
    return !l.isEmpty()
        && l.stream().allMatch(x -> x instanceof Map<?, ?> m && m.get("name") != null);
  }

  // ---- helpers ----

  static <T> T parse(Map<String, Object> doc, Class<T> type) {
    return JSON.convertValue(doc, type);
  }

  static <T extends HasMetadata> List<T> typed(List<Map<String, Object>> docs, Class<T> type) {
    return docs.stream()
        .filter(d -> type.getSimpleName().equals(d.get("kind")))
        .map(d -> parse(d, type))
        .toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> meta(Map<String, Object> d) {
    return (Map<String, Object>) d.get("metadata");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(Map<String, Object> d) {
    return (Map<String, Object>) d.get("spec");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> podSpec(Map<String, Object> d) {
    return (Map<String, Object>) ((Map<String, Object>) spec(d).get("template")).get("spec");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> container(Map<String, Object> d) {
    return ((List<Map<String, Object>>) podSpec(d).get("containers")).get(0);
  }

  /** A deep copy of the documents with the first of {@code kind} changed. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> mutate(
      List<Map<String, Object>> docs,
      String kind,
      java.util.function.Consumer<Map<String, Object>> change) {
    List<Map<String, Object>> copy = new ArrayList<>();
    boolean done = false;
    for (Map<String, Object> d : docs) {
      Map<String, Object> c = JSON.convertValue(d, Map.class);
      if (!done && kind.equals(c.get("kind"))) {
        change.accept(c);
        done = true;
      }
      copy.add(c);
    }
    assertThat(done).as("a " + kind + " to break").isTrue();
    return copy;
  }
}
