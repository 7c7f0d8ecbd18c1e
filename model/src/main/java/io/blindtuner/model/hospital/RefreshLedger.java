package io.blindtuner.model.hospital;

import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The refreshes a key holder has answered for one job: each id with the digest of the request it
 * answered. It lets the holder refuse an id asked again with other ciphertexts (probing) while
 * answering a byte-identical repeat (a resumed job), and it counts the distinct answers against the
 * job's budget. Kept in an append-only file forced to disk before the answer leaves, so a restart
 * of the hospital edge cannot be used to ask an id twice; or in memory only, for a run that lives
 * in one process. Thread-safe.
 */
public final class RefreshLedger implements AutoCloseable {
  /** Bytes of a digest. */
  public static final int DIGEST_BYTES = 32;

  private static final int ENTRY_BYTES = 8 + 4 + 4 + DIGEST_BYTES;

  private final Map<RefreshId, byte[]> answered = new HashMap<>();
  private final FileChannel file;
  private final Path path;
  private final long capacity;

  private RefreshLedger(FileChannel file, Path path, long capacity) {
    this.file = file;
    this.path = path;
    this.capacity = capacity;
  }

  /** A ledger in memory, for at most {@code capacity} answers. */
  public static RefreshLedger inMemory(long capacity) {
    return new RefreshLedger(null, null, capacity);
  }

  /**
   * Opens (or creates) the ledger file of a job, for at most {@code capacity} answers; the entries
   * already in it count.
   *
   * @throws KeyFileException naming the file if it cannot be read or written, is longer than {@code
   *     capacity} entries or is not a whole number of entries (a torn last write is cut off: it was
   *     never answered)
   */
  public static RefreshLedger open(Path path, long capacity) throws KeyFileException {
    try {
      FileChannel ch =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      RefreshLedger l = new RefreshLedger(ch, path, capacity);
      long size = ch.size();
      if (size / ENTRY_BYTES > capacity) {
        ch.close();
        throw new KeyFileException(
            "refresh ledger "
                + path
                + " holds "
                + size / ENTRY_BYTES
                + " refresh answers but the job's budget is "
                + capacity);
      }
      ByteBuffer all = ByteBuffer.allocate((int) (size - size % ENTRY_BYTES));
      while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {
        // read(dst, position) does not advance the channel; the buffer's position tracks progress
      }
      all.flip();
      Phase[] phases = Phase.values();
      while (all.remaining() >= ENTRY_BYTES) {
        long step = all.getLong();
        int mb = all.getInt();
        int phase = all.getInt();
        byte[] digest = new byte[DIGEST_BYTES];
        all.get(digest);
        if (step < 0 || mb < 0 || phase < 0 || phase >= phases.length) {
          ch.close();
          throw new KeyFileException(
              "refresh ledger "
                  + path
                  + " is not one (entry "
                  + l.answered.size()
                  + " is invalid)");
        }
        l.answered.put(new RefreshId(step, mb, phases[phase]), digest);
      }
      ch.truncate(all.limit());
      ch.position(all.limit());
      return l;
    } catch (KeyFileException e) {
      throw e;
    } catch (IOException e) {
      throw new KeyFileException(
          "refresh ledger " + path + " cannot be used: " + e.getMessage(), e);
    }
  }

  /** The digest of the request answered under {@code id}, if any. */
  public synchronized Optional<byte[]> answered(RefreshId id) {
    byte[] d = answered.get(id);
    return d == null ? Optional.empty() : Optional.of(d.clone());
  }

  /** Distinct ids answered so far. */
  public synchronized long size() {
    return answered.size();
  }

  /** The most answers the job may get. */
  public long capacity() {
    return capacity;
  }

  /**
   * Records an answer before it is sent: on disk and forced, if the ledger has a file.
   *
   * @return false, recording nothing, if the budget is spent or the id is already recorded
   * @throws UncheckedIOException if the file cannot be written (the answer must then not be sent)
   */
  public synchronized boolean record(RefreshId id, byte[] digest) {
    if (digest.length != DIGEST_BYTES) {
      throw new IllegalArgumentException(
          "a digest is " + DIGEST_BYTES + " bytes, got " + digest.length);
    }
    if (answered.size() >= capacity || answered.containsKey(id)) {
      return false;
    }
    if (file != null) {
      ByteBuffer e = ByteBuffer.allocate(ENTRY_BYTES);
      e.putLong(id.step()).putInt(id.microBatch()).putInt(id.after().ordinal()).put(digest).flip();
      try {
        while (e.hasRemaining()) {
          file.write(e);
        }
        file.force(false);
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write the refresh ledger " + path, ex);
      }
    }
    answered.put(id, Arrays.copyOf(digest, DIGEST_BYTES));
    return true;
  }

  @Override
  public synchronized void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the refresh ledger " + path, e);
      }
    }
  }
}
