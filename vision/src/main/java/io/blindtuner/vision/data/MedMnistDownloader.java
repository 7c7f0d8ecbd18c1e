package io.blindtuner.vision.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads an official MedMNIST file once into a cache folder and checks its MD5 (and SHA-256 when
 * known) before anyone reads it. A cached file is re-verified on every use, so a damaged cache is
 * noticed.
 */
public final class MedMnistDownloader {
  /** Larger than any MedMNIST 28x28 file (TissueMNIST is about 120 MB). */
  private static final long MAX_DOWNLOAD_BYTES = 1L << 31;

  private final HttpClient client;

  public MedMnistDownloader() {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Returns the verified file {@code cacheDir/NAME.npz}, downloading it from the official address
   * first if it is not there.
   *
   * @throws ChecksumMismatchException if the cached or downloaded file's checksum differs from the
   *     registry
   * @throws IOException with a message telling the user what to do when the host cannot be reached
   *     (offline) or the server answers with an error
   */
  public Path fetch(MedMnistInfo info, Path cacheDir) throws IOException {
    return fetch(info, info.url(), cacheDir);
  }

  /**
   * As {@link #fetch(MedMnistInfo, Path)} but from {@code url} (a mirror).
   *
   * @throws ChecksumMismatchException if the checksum differs
   * @throws IOException if the download fails
   */
  public Path fetch(MedMnistInfo info, URI url, Path cacheDir) throws IOException {
    Path target = cacheDir.resolve(info.fileName());
    if (Files.isRegularFile(target)) {
      verify(target, info);
      return target;
    }
    Files.createDirectories(cacheDir);
    Path tmp = Files.createTempFile(cacheDir, info.name(), ".part");
    try {
      HttpResponse<InputStream> response;
      try {
        response =
            client.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
      } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
        throw new IOException(
            "cannot download "
                + info.fileName()
                + " from "
                + url
                + " ("
                + e
                + "): this machine looks offline. Download it on a machine with internet access, check its MD5 "
                + info.md5()
                + ", copy it to "
                + target
                + " (or pass its path with --data)",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while downloading " + url, e);
      }
      try (InputStream in = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException("downloading " + url + " failed: HTTP " + response.statusCode());
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
          byte[] buf = new byte[1 << 16];
          long total = 0;
          for (int r; (r = in.read(buf)) > 0; ) {
            total += r;
            if (total > MAX_DOWNLOAD_BYTES) {
              throw new IOException(
                  "downloading " + url + ": more than " + MAX_DOWNLOAD_BYTES + " bytes, refused");
            }
            out.write(buf, 0, r);
          }
        }
      }
      verify(tmp, info);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Checks a file's MD5 and (when the registry has it) SHA-256.
   *
   * @throws ChecksumMismatchException naming the file, the expected and the actual digest
   * @throws IOException if the file cannot be read
   */
  public static void verify(Path file, MedMnistInfo info) throws IOException {
    MessageDigest md5 = digest("MD5");
    MessageDigest sha = digest("SHA-256");
    try (InputStream in =
        new DigestInputStream(new DigestInputStream(Files.newInputStream(file), md5), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    String gotMd5 = HexFormat.of().formatHex(md5.digest());
    if (!gotMd5.equals(info.md5())) {
      throw new ChecksumMismatchException(
          file
              + ": MD5 "
              + gotMd5
              + " differs from the official "
              + info.name()
              + " MD5 "
              + info.md5()
              + " (corrupt or not the official file)");
    }
    String gotSha = HexFormat.of().formatHex(sha.digest());
    if (info.sha256() != null && !gotSha.equals(info.sha256())) {
      throw new ChecksumMismatchException(
          file
              + ": SHA-256 "
              + gotSha
              + " differs from the official "
              + info.name()
              + " SHA-256 "
              + info.sha256());
    }
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required by every Java platform", e);
    }
  }
}
