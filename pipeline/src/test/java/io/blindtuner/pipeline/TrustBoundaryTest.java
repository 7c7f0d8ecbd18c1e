package io.blindtuner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The trust boundary, enforced as an allow-list on the compiled main classes of every module:
 * outside he-runtime (which defines the key material), only classes in a {@code hospital} package
 * may refer to the secret key, the decryptor, the key generator or any {@code hospital} class —
 * plus the command-line tools ({@code io.blindtuner.pipeline.cli}), which run the hospital's
 * commands on the hospital's machine. Everything else (cloud stages, actors, streams, services) is
 * checked. A class file names every type it uses in its constant pool (as {@code
 * io/blindtuner/...}), so a byte search finds every reference, including those in signatures and
 * lambdas.
 */
class TrustBoundaryTest {
  private static final List<String> SECRET_SIDE =
      List.of(
          "io/blindtuner/he/ckks/SecretKey",
          "io/blindtuner/he/ckks/Decryptor",
          "io/blindtuner/he/ckks/KeyGenerator");

  /**
   * Packages (as class-file path prefixes) allowed to hold or reach the secret key besides hospital
   * ones.
   */
  private static final List<String> ALSO_ALLOWED =
      List.of("io/blindtuner/he/", "io/blindtuner/pipeline/cli/");

  @Test
  void onlyHospitalCodeTouchesSecretKeyMaterialOrHospitalCode() throws Exception {
    Map<String, byte[]> classes = projectClasses();
    List<String> violations = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      if (isAllowed(e.getKey())) {
        continue;
      }
      checked.add(e.getKey());
      for (String ref : forbiddenReferences(e.getValue())) {
        violations.add(e.getKey() + " refers to " + ref);
      }
    }
    assertThat(checked)
        .as("the check covers the cloud, the actors and the streams")
        .contains(
            "io/blindtuner/model/cloud/EncryptedTrainer.class",
            "io/blindtuner/actors/cloud/StageActor.class",
            "io/blindtuner/pipeline/stream/TrainingGraph.class");
    assertThat(violations)
        .as("code outside hospital packages referring to secret-key material or hospital code")
        .isEmpty();
  }

  @Test
  void theScanSeesHospitalUseOfTheSecretKey() throws Exception {
    // Control: the scan must see the references it looks for where they legitimately are.
    Map<String, byte[]> classes = projectClasses();
    byte[] keyHolder = classes.get("io/blindtuner/model/hospital/KeyHolder.class");
    assertThat(keyHolder).as("KeyHolder.class on the class path").isNotNull();
    assertThat(forbiddenReferences(keyHolder)).contains("io/blindtuner/he/ckks/SecretKey");
    byte[] run = classes.get("io/blindtuner/model/hospital/EncryptedTrainingRun.class");
    assertThat(run).as("EncryptedTrainingRun.class on the class path").isNotNull();
    assertThat(forbiddenReferences(run)).contains("io/blindtuner/model/hospital/KeyHolder");
  }

  private static boolean isAllowed(String classFile) {
    return classFile.contains("/hospital/")
        || ALSO_ALLOWED.stream().anyMatch(classFile::startsWith);
  }

  private static List<String> forbiddenReferences(byte[] classFile) {
    String text = new String(classFile, StandardCharsets.ISO_8859_1);
    List<String> found = new ArrayList<>();
    for (String name : SECRET_SIDE) {
      if (refersTo(text, name)) {
        found.add(name);
      }
    }
    int at = text.indexOf("io/blindtuner/");
    while (at >= 0) {
      int end = at;
      while (end < text.length() && isNameChar(text.charAt(end))) {
        end++;
      }
      String ref = text.substring(at, end);
      if (ref.contains("/hospital/")) {
        found.add(ref);
      }
      at = text.indexOf("io/blindtuner/", end);
    }
    return found;
  }

  /**
   * The name occurs, not as the prefix of a longer name (SecretKeyX), though nested classes
   * (SecretKey$1) count.
   */
  private static boolean refersTo(String text, String name) {
    for (int at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
      int next = at + name.length();
      if (next == text.length()
          || !Character.isJavaIdentifierPart(text.charAt(next))
          || text.charAt(next) == '$') {
        return true;
      }
    }
    return false;
  }

  private static boolean isNameChar(char c) {
    return c == '/' || c == '$' || (c < 128 && Character.isJavaIdentifierPart(c));
  }

  /**
   * Every main class file under io/blindtuner on the test class path, from module directories or
   * jars.
   */
  private static Map<String, byte[]> projectClasses() throws IOException, URISyntaxException {
    Map<String, byte[]> out = new TreeMap<>();
    Enumeration<URL> roots = TrustBoundaryTest.class.getClassLoader().getResources("io/blindtuner");
    for (URL root : Collections.list(roots)) {
      if (root.getProtocol().equals("file")) {
        Path dir = Paths.get(root.toURI());
        Path base = dir.getParent().getParent();
        if (base.getFileName().toString().equals("test-classes")) {
          continue; // tests hold keys to check both sides
        }
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p :
              (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
            out.put(base.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
          }
        }
      } else if (root.getProtocol().equals("jar")) {
        JarURLConnection conn = (JarURLConnection) root.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = conn.getJarFile()) {
          for (JarEntry entry : Collections.list(jar.entries())) {
            if (entry.getName().startsWith("io/blindtuner/")
                && entry.getName().endsWith(".class")) {
              try (InputStream in = jar.getInputStream(entry)) {
                out.put(entry.getName(), in.readAllBytes());
              }
            }
          }
        }
      }
    }
    return out;
  }
}
