package io.blindtuner.pipeline.hospital;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.model.hospital.KeyFileException;
import io.blindtuner.model.hospital.KeyHolder;
import io.blindtuner.model.hospital.Passphrase;
import io.blindtuner.model.hospital.SecretKeyFile;
import io.blindtuner.pipeline.wire.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the edge keeps each job's secret key: in memory only (a restarted edge cannot finish the
 * job), or in a directory as {@code JOB.key} files encrypted under a passphrase ({@link
 * SecretKeyFile}: AES-256-GCM under a PBKDF2 key), so that an edge restarted mid-job takes the job
 * up again with the same key. The passphrase is read afresh for each use (from a mounted secret
 * file or an environment variable) and wiped after it.
 */
public final class EdgeKeys {
  /** Reads the passphrase each time it is needed (it is wiped after each use). */
  @FunctionalInterface
  public interface PassphraseSource {
    /**
     * @throws IOException (a {@link KeyFileException} naming the file or variable) if it cannot be
     *     read
     */
    Passphrase read() throws IOException;
  }

  private final Path dir;
  private final PassphraseSource passphrase;

  private EdgeKeys(Path dir, PassphraseSource passphrase) {
    this.dir = dir;
    this.passphrase = passphrase;
  }

  /** Keys in memory only: nothing on disk, and a job whose edge restarts cannot be finished. */
  public static EdgeKeys inMemory() {
    return new EdgeKeys(null, null);
  }

  /**
   * Keys in {@code dir}, encrypted under the passphrase {@code passphrase} reads.
   *
   * @throws IOException naming the source if the passphrase cannot be read now or is too short
   *     (checked before any work)
   */
  public static EdgeKeys onDisk(Path dir, PassphraseSource passphrase) throws IOException {
    Objects.requireNonNull(dir, "dir");
    try (Passphrase p = passphrase.read()) {
      SecretKeyFile.checkStrength(p);
    }
    return new EdgeKeys(dir, passphrase);
  }

  /** Whether keys outlive the process. */
  public boolean persistent() {
    return dir != null;
  }

  /** The file of job {@code jobId}'s key (for messages and the hospital's backups). */
  public Path file(String jobId) {
    if (dir == null) {
      throw new IllegalStateException("keys are kept in memory only");
    }
    if (!JobSpec.isValidId(jobId)) {
      throw new IllegalArgumentException("job id " + jobId + " is not a safe file name");
    }
    return dir.resolve(jobId + ".key");
  }

  /**
   * The key kept for job {@code jobId}, if there is one.
   *
   * @throws KeyFileException naming the file if it cannot be opened: a wrong passphrase, an altered
   *     file, or a key of other parameters (the job's settings changed since it started)
   * @throws IOException if reading fails
   */
  public Optional<SecretKey> stored(String jobId, CkksParameters params) throws IOException {
    if (dir == null || !Files.exists(file(jobId))) {
      return Optional.empty();
    }
    return Optional.of(SecretKeyFile.read(file(jobId), params, passphrase.read()));
  }

  /**
   * Keeps job {@code jobId}'s key (nothing in memory-only mode), before anything of the job leaves
   * the edge.
   *
   * @throws java.nio.file.FileAlreadyExistsException if a key of that job is already kept (never
   *     overwritten)
   * @throws IOException if writing fails
   */
  void keep(String jobId, KeyHolder keys) throws IOException {
    if (dir != null) {
      Files.createDirectories(dir);
      keys.writeSecretKey(file(jobId), passphrase.read());
    }
  }
}
