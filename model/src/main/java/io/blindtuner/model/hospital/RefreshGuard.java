package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.model.cloud.MeteredRefresher;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.RefreshRefusedException;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.model.plan.TrainingPlan.RefreshInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The hospital's refresh, hardened so that the only holder of the secret key is no decryption
 * oracle. A cloud that could have any ciphertext decrypted and learn whether re-encoding failed
 * would recover the key a bit per request (c1 = δ·X^j and a c0 that puts the encoder's limit on the
 * sign of one key coefficient). So it:
 *
 * <ul>
 *   <li>answers only what the {@link RefreshAgreement} says a step needs: a valid id (step and
 *       micro-batch in range, a phase that is refreshed), exactly the planned count of ciphertexts
 *       of size 2, each at its planned level and scale, asked for the planned levels;
 *   <li>clamps every decoded value to ±{@link #VALUE_BOUND} (non-finite to 0) before re-encoding,
 *       so a crafted ciphertext decrypts and re-encrypts like any other and nothing depends on the
 *       decrypted values but the reply, which only the hospital can read;
 *   <li>answers each id once ({@link RefreshLedger}, written before the answer leaves): a
 *       byte-identical repeat gets the identical reply (its randomness is derived from the request,
 *       {@link KeyHolder#encryptSeededFor}), so it teaches nothing and a resumed job recomputes
 *       exactly; the same id with other ciphertexts is refused;
 *   <li>stops at the job's budget of distinct answers;
 *   <li>after the job, answers encrypted inference only for requests the hospital itself sent
 *       ({@link #expectInference}): one refresh each ({@link RefreshId#inference}), plus each part
 *       of the final weights' once ({@link RefreshId#weights}{@code (steps, part)}, a
 *       byte-identical repeat answered alike), each checked against the plan like any other;
 *   <li>refuses with one opaque {@link RefreshRefusedException}, whatever the reason, and reports
 *       the reason to the hospital only ({@code onRefusal}). Every refusal is decided from what the
 *       cloud itself sent and knows (ids, counts, levels, scales, digests, the budget), before any
 *       decryption, so neither the reply nor its timing depends on a secret.
 * </ul>
 *
 * <p>Binding: the id is part of the digest the reply's randomness and the ledger are keyed by. Who
 * may send requests at all is the transport's concern (Kafka ACLs over TLS/SASL). Computes on the
 * calling thread; thread-safe.
 */
public final class RefreshGuard implements Refresher {
  /**
   * The plan's value domain: every refreshed value a head computes lies far inside it (activations,
   * logits and gradients of standardised tokens are of order 1 to 10), and re-encoding a value this
   * large cannot overflow any level (2^8 · 2^40-scale is 48 bits; the smallest level has 60).
   */
  public static final double VALUE_BOUND = 256;

  /**
   * Replies are seeded symmetric ciphertexts (c0 and a seed on the wire), for {@link
   * MeteredRefresher}.
   */
  public static final boolean SEEDED_REPLIES = true;

  private final KeyHolder keys;
  private final RefreshAgreement agreement;
  private final RefreshLedger ledger;
  private final BiConsumer<RefreshId, String> onRefusal;
  private final Set<Long> inferences = ConcurrentHashMap.newKeySet();

  /** The digest of each part of the final weights' refresh answered so far. */
  private final Map<Integer, byte[]> finalWeights = new ConcurrentHashMap<>();

  private volatile boolean inferring;

  /**
   * @param ledger the job's ledger, with capacity {@link RefreshAgreement#budget()}
   * @param onRefusal told the reason of every refusal (the hospital's log and metrics); never the
   *     cloud
   * @throws IllegalArgumentException if the ledger's capacity is not the agreement's budget
   */
  public RefreshGuard(
      KeyHolder keys,
      RefreshAgreement agreement,
      RefreshLedger ledger,
      BiConsumer<RefreshId, String> onRefusal) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.agreement = Objects.requireNonNull(agreement, "agreement");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.onRefusal = Objects.requireNonNull(onRefusal, "onRefusal");
    if (ledger.capacity() != agreement.budget()) {
      throw new IllegalArgumentException(
          "the refresh ledger holds "
              + ledger.capacity()
              + " answers but the job's budget is "
              + agreement.budget());
    }
  }

  /**
   * Allows the one refresh of the hospital's own inference request {@code request} (and, from the
   * first, the final weights' refresh).
   *
   * @throws IllegalArgumentException if request is negative
   */
  public void expectInference(long request) {
    if (request < 0) {
      throw new IllegalArgumentException("inference request must be >= 0, got " + request);
    }
    inferences.add(request);
    inferring = true;
  }

  @Override
  public CompletionStage<List<Ciphertext>> refresh(
      RefreshId id, List<Ciphertext> cts, int[] levels) {
    return answer(id, cts, levels)
        .thenApply(out -> out.stream().map(SeededCiphertext::ciphertext).toList());
  }

  /**
   * The refresh in seeded form, for the wire (c0 and the seed of c1, {@link
   * io.blindtuner.he.wire.WireCodec#seedPrng}).
   *
   * @return completes with the fresh ciphertexts, or exceptionally with {@link
   *     RefreshRefusedException}
   */
  public CompletionStage<List<SeededCiphertext>> answer(
      RefreshId id, List<Ciphertext> cts, int[] levels) {
    String refusal = check(id, cts, levels);
    if (refusal != null) {
      return refuse(id, refusal);
    }
    byte[] digest = digest(id, cts);
    Optional<byte[]> before = ledger.answered(id);
    if (id.step() >= agreement.steps()) {
      if (id.after() == Phase.OPTIMIZER_UPDATE
          ? !MessageDigest.isEqual(
              finalWeights.computeIfAbsent(id.microBatch(), k -> digest), digest)
          : !inferences.remove(id.step() - agreement.steps() - 1)) {
        return refuse(id, "inference refresh already answered");
      }
    } else if (before.isPresent()) {
      if (!MessageDigest.isEqual(before.get(), digest)) {
        return refuse(id, "already answered with other ciphertexts");
      }
    } else if (!ledger.record(id, digest)) {
      return refuse(
          id,
          ledger.size() >= ledger.capacity()
              ? "the job's budget of " + ledger.capacity() + " refreshes is spent"
              : "already answered with other ciphertexts");
    }
    List<RefreshInput> plan = agreement.plan().refreshInputs(id);
    List<SeededCiphertext> out = new ArrayList<>(cts.size());
    for (int i = 0; i < cts.size(); i++) {
      double[] v = keys.decrypt(cts.get(i));
      for (int j = 0; j < v.length; j++) {
        v[j] = clamp(v[j]);
      }
      byte[] position = Arrays.copyOf(digest, digest.length + 4);
      ByteBuffer.wrap(position, digest.length, 4).putInt(i);
      out.add(keys.encryptSeededFor(position, v, plan.get(i).toLevel()));
    }
    return CompletableFuture.completedFuture(out);
  }

  /** The reason to refuse, or null: only what the cloud sent is consulted. */
  private String check(RefreshId id, List<Ciphertext> cts, int[] levels) {
    long steps = agreement.steps();
    if (id.step() >= steps
        && !(inferring && id.step() == steps && id.after() == Phase.OPTIMIZER_UPDATE)
        && !(id.step() > steps
            && id.equals(RefreshId.inference(steps, id.step() - steps - 1))
            && inferences.contains(id.step() - steps - 1))) {
      return "step "
          + id.step()
          + " is beyond the job's "
          + steps
          + " steps and no inference the hospital sent";
    }
    if (id.after() == Phase.OPTIMIZER_UPDATE
        ? id.step() == 0 || id.microBatch() >= agreement.plan().weightRefreshParts()
        : id.microBatch() >= agreement.microBatchesPerStep()) {
      return "no such micro-batch, weights part or version in the plan";
    }
    List<RefreshInput> plan = agreement.plan().refreshInputs(id);
    if (plan.isEmpty()) {
      return "nothing is refreshed after " + id.after().label();
    }
    if (cts.size() != plan.size() || levels.length != plan.size()) {
      return cts.size()
          + " ciphertexts and "
          + levels.length
          + " levels where the plan has "
          + plan.size();
    }
    for (int i = 0; i < plan.size(); i++) {
      RefreshInput want = plan.get(i);
      Ciphertext c = cts.get(i);
      if (c.parametersId() != keys.parameters().id()
          || c.size() != 2
          || c.level() != TrainingPlan.REQUEST_LEVEL
          || c.scale() != want.scale()
          || levels[i] != want.toLevel()) {
        return "ciphertext "
            + i
            + " ("
            + want.operand()
            + ") is size "
            + c.size()
            + ", level "
            + c.level()
            + ", scale 2^"
            + Math.log(c.scale()) / Math.log(2)
            + ", asked for level "
            + levels[i]
            + "; the plan has size 2, level "
            + TrainingPlan.REQUEST_LEVEL
            + ", scale 2^"
            + Math.log(want.scale()) / Math.log(2)
            + ", level "
            + want.toLevel()
            + (c.parametersId() != keys.parameters().id() ? ", and other parameters" : "");
      }
    }
    return null;
  }

  private <T> CompletionStage<List<T>> refuse(RefreshId id, String reason) {
    onRefusal.accept(id, reason);
    return CompletableFuture.failedFuture(new RefreshRefusedException(id));
  }

  private static double clamp(double x) {
    return Double.isNaN(x) ? 0 : Math.max(-VALUE_BOUND, Math.min(VALUE_BOUND, x));
  }

  /** SHA-256 of the id and every ciphertext's metadata and residues. */
  private static byte[] digest(RefreshId id, List<Ciphertext> cts) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    md.update("blindtuner refresh v1".getBytes(StandardCharsets.UTF_8));
    ByteBuffer head = ByteBuffer.allocate(16);
    head.putLong(id.step()).putInt(id.microBatch()).putInt(id.after().ordinal());
    md.update(head.array());
    for (Ciphertext c : cts) {
      ByteBuffer meta = ByteBuffer.allocate(24);
      meta.putLong(c.parametersId()).putInt(c.size()).putInt(c.level()).putDouble(c.scale());
      md.update(meta.array());
      ByteBuffer limb = ByteBuffer.allocate(8 * c.n());
      for (int k = 0; k < c.size(); k++) {
        for (int j = 0; j <= c.level(); j++) {
          limb.clear();
          limb.asLongBuffer().put(c.poly(k).limb(j));
          md.update(limb.array());
        }
      }
    }
    return md.digest();
  }
}
