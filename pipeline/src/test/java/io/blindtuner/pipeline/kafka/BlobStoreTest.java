package io.blindtuner.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
  @TempDir Path dir;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Path file(BlobRef ref) {
    return Path.of(ref.uri());
  }

  private static long filesUnder(Path p) throws IOException {
    try (Stream<Path> s = Files.list(p)) {
      return s.count();
    }
  }

  @Test
  void aBlobRoundTripsUnderItsDigestAndItsReferenceFitsInASmallRecord() throws Exception {
    BlobStore store = new BlobStore(dir, 1 << 20);
    byte[] data = random(300_000, 1);
    BlobRef ref = store.put(new ByteArrayInputStream(data));
    assertThat(ref.size()).isEqualTo(data.length);
    assertThat(ref.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    assertThat(file(ref))
        .isEqualTo(
            dir.resolve("sha256").resolve(ref.sha256().substring(0, 2)).resolve(ref.sha256()));
    assertThat(store.get(ref)).isEqualTo(data);
    try (InputStream in = store.open(ref)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(store.put(data)).as("same content, same blob").isEqualTo(ref);
    assertThat(filesUnder(dir.resolve("tmp"))).as("no temporary file left").isZero();

    byte[] bytes = ref.toBytes();
    assertThat(bytes.length).isLessThan(Topic.KEYS.maxRecordBytes());
    assertThat(BlobRef.fromBytes(bytes)).isEqualTo(ref);
    // A reader that mounts the store elsewhere finds the blob by its digest.
    BlobStore elsewhere = new BlobStore(dir, 1 << 20);
    assertThat(elsewhere.get(BlobRef.fromBytes(bytes))).isEqualTo(data);
  }

  @Test
  void aCorruptedBlobIsRefusedNamingIt() throws Exception {
    BlobStore store = new BlobStore(dir, 1 << 20);
    byte[] data = random(100_000, 2);
    BlobRef ref = store.put(data);
    Path f = file(ref);

    // One bit flipped in the middle: same size, wrong digest, found by get and by a streaming
    // reader.
    byte[] flipped = data.clone();
    flipped[50_000] ^= 1;
    Files.write(f, flipped);
    assertThatThrownBy(() -> store.get(ref))
        .isInstanceOf(BlobCorruptedException.class)
        .hasMessageStartingWith("blob " + ref.sha256() + " (")
        .hasMessageContaining("content does not match its SHA-256");
    try (InputStream in = store.open(ref)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(BlobCorruptedException.class)
          .hasMessageContaining(ref.sha256());
    }

    Files.write(f, data, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> store.open(ref))
        .isInstanceOf(BlobCorruptedException.class)
        .hasMessage(
            "blob " + ref.sha256() + " (" + ref.uri() + "): is 200000 bytes, expected 100000");
    Files.delete(f);
    assertThatThrownBy(() -> store.get(ref))
        .isInstanceOf(BlobCorruptedException.class)
        .hasMessageContaining(ref.sha256())
        .hasMessageContaining("missing from the store");

    // Putting the right bytes again heals it.
    assertThat(store.put(data)).isEqualTo(ref);
    assertThat(store.get(ref)).isEqualTo(data);

    // A reference whose uri does not name its digest is refused without reading anything.
    BlobRef forged = new BlobRef(URI.create("file:///etc/passwd"), ref.sha256(), ref.size());
    assertThatThrownBy(() -> store.get(forged))
        .isInstanceOf(BlobCorruptedException.class)
        .hasMessageContaining("does not name its digest");
  }

  @Test
  void blobsOverTheCapAreRefusedOnWriteAndOnRead() throws Exception {
    BlobStore store = new BlobStore(dir, 1000);
    assertThat(store.put(random(1000, 3)).size()).isEqualTo(1000);
    assertThatThrownBy(() -> store.put(random(1001, 4)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "blob exceeds the store's cap of 1000 bytes (blindtuner.kafka.blobs.max-blob-size)");
    assertThat(filesUnder(dir.resolve("tmp"))).as("the refused write left nothing").isZero();
    BlobRef big = new BlobStore(dir, 5000).put(random(2000, 5));
    assertThatThrownBy(() -> store.get(big))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exceeds the store's cap of 1000 bytes");
  }

  @Test
  void malformedReferencesAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> BlobRef.fromBytes(new byte[5]))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("truncated");
    byte[] ref =
        new BlobRef(URI.create("file:///b/" + "ab".repeat(32)), "ab".repeat(32), 7).toBytes();
    byte[] version = ref.clone();
    version[0] = 2;
    assertThatThrownBy(() -> BlobRef.fromBytes(version))
        .hasMessage("unsupported blob reference version 2");
    byte[] negative = ref.clone();
    ByteBuffer.wrap(negative).putLong(33, -7);
    assertThatThrownBy(() -> BlobRef.fromBytes(negative))
        .hasMessage("blob reference with negative size -7");
    byte[] longer = java.util.Arrays.copyOf(ref, ref.length + 1);
    assertThatThrownBy(() -> BlobRef.fromBytes(longer)).hasMessageContaining("uri length");
    assertThatThrownBy(() -> new BlobRef(URI.create("file:///x"), "AB".repeat(32), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sha256");
  }
}
