package io.blindtuner.vision.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads from a local HTTP server (never the internet) to check caching, checksums and offline
 * messages.
 */
class MedMnistDownloaderTest {
  @TempDir Path dir;

  private static HttpServer serve(byte[] body, AtomicInteger hits) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/",
        ex -> {
          hits.incrementAndGet();
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    s.start();
    return s;
  }

  @Test
  void downloadsOnceVerifiesAndReusesTheCache() throws IOException {
    MedMnistInfo info = MedMnistRegistry.get("breastmnist");
    byte[] official = Files.readAllBytes(SharedData.file("breastmnist"));
    AtomicInteger hits = new AtomicInteger();
    HttpServer s = serve(official, hits);
    try {
      URI url = URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/breastmnist.npz");
      MedMnistDownloader dl = new MedMnistDownloader();
      Path cache = dir.resolve("cache");
      Path f = dl.fetch(info, url, cache);
      assertThat(f).isEqualTo(cache.resolve("breastmnist.npz"));
      assertThat(Files.readAllBytes(f)).isEqualTo(official);
      assertThat(dl.fetch(info, url, cache)).isEqualTo(f);
      assertThat(hits.get()).isEqualTo(1);
      try (var files = Files.list(cache)) {
        assertThat(files).containsExactly(f);
      }
    } finally {
      s.stop(0);
    }
  }

  @Test
  void refusesAFileWithTheWrongChecksumAndKeepsNothing() throws IOException {
    MedMnistInfo info = MedMnistRegistry.get("breastmnist");
    byte[] bad = Files.readAllBytes(SharedData.file("breastmnist"));
    bad[bad.length / 2] ^= 1;
    HttpServer s = serve(bad, new AtomicInteger());
    try {
      URI url = URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/breastmnist.npz");
      Path cache = dir.resolve("cache");
      assertThatThrownBy(() -> new MedMnistDownloader().fetch(info, url, cache))
          .isInstanceOf(ChecksumMismatchException.class)
          .hasMessageContaining("MD5")
          .hasMessageContaining(info.md5());
      try (var files = Files.list(cache)) {
        assertThat(files).isEmpty();
      }
    } finally {
      s.stop(0);
    }
  }

  @Test
  void detectsADamagedCachedFile() throws IOException {
    MedMnistInfo info = MedMnistRegistry.get("retinamnist");
    Files.write(dir.resolve("retinamnist.npz"), new byte[] {1, 2, 3});
    assertThatThrownBy(
            () -> new MedMnistDownloader().fetch(info, URI.create("http://127.0.0.1:9/x"), dir))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessageContaining("retinamnist.npz");
  }

  @Test
  void explainsWhatToDoWhenOffline() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    MedMnistInfo info = MedMnistRegistry.get("pneumoniamnist");
    URI url = URI.create("http://127.0.0.1:" + port + "/pneumoniamnist.npz");
    assertThatThrownBy(() -> new MedMnistDownloader().fetch(info, url, dir.resolve("c")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("offline")
        .hasMessageContaining(info.md5())
        .hasMessageContaining("--data");
  }

  @Test
  void registryHasTheOfficialAddressesAndChecksums() {
    assertThat(MedMnistRegistry.get("BreastMNIST.npz").url())
        .hasToString("https://zenodo.org/records/10519652/files/breastmnist.npz?download=1");
    assertThat(MedMnistRegistry.all()).hasSize(11).allSatisfy(i -> assertThat(i.md5()).hasSize(32));
    assertThatThrownBy(() -> MedMnistRegistry.get("nomnist")).hasMessageContaining("breastmnist");
  }
}
