package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenScaling;
import io.blindtuner.vision.MalformedFileException;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.KMeansPatchFeaturizer;
import io.blindtuner.vision.features.PatchDictionary;
import io.blindtuner.vision.features.PatchFeaturizer;
import io.blindtuner.vision.features.PatchWhitening;
import io.blindtuner.vision.features.Pca;
import io.blindtuner.vision.features.ScatteringFeaturizer;
import io.blindtuner.vision.features.StackedFeaturizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hospital's model file ({@link HospitalModel}): written by {@code train --save-model}, read by
 * {@code predict}. It holds plaintext weights, so it is written only at the hospital.
 *
 * <p>Format version 4, little-endian throughout (str = u32 byte length, then UTF-8):
 *
 * <pre>
 *   8 bytes  magic "BTMODEL\0"
 *   u32      version (4; versions 1 (the patch featurizer only), 2 (no position code) and 3 (no
 *            scattering) are read too)
 *   str      data set, str trained by ("encrypted" | "twin"), str functions ("polynomial" | "exact")
 *   u32 x 4  T, d, m, C
 *   C x str  class names
 *   u8       featurizer: 0 none, 1 patch, 2 k-means dictionary (from version 2), 3 scattering,
 *            4 stacked (from version 4)
 *            if 1: u32 grid, height, width, channels;
 *                  f32 x (height*width*channels) mean; f32 x (height*width*channels) inverse deviation
 *            if 2: u32 patch size s, channels c, centroids k, grid, height, width (p = s*s*c);
 *                  f64 x p whitening mean; f64 x (p*p) ZCA matrix (row after row); f64 x (k*p) centroids
 *            if 3: u32 scales J, angles L, grid, height, width, channels (the filters follow from them)
 *            if 4: u32 parts (2 to 4), each a featurizer field of kind 1 to 3 as above;
 *                  f32 x D mean; f32 x D inverse deviation (D = the parts' values per token together)
 *   u8       PCA present (0 | 1); if 1: u32 k (= d), u32 input values D; f32 x D mean; f32 x (k*D) components
 *            (row after row); f64 x k variances; f64 total variance
 *   u8       position-code values appended after the PCA: 0, 2 or 4 (version 3 only; before, 0)
 *   f64      clip; f64 x d scaling mean; f64 x d scaling inverse deviation
 *   u32      parameter count P (= d + m*d + m + C*m + C); f64 x P parameters (q, W1, b1, W2, b2, row-major)
 *   str      training report (JSON)
 *   32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * Every size is checked against its limit and against the bytes left before anything is allocated.
 */
public final class ModelFile {
  public static final int VERSION = 4;
  private static final int NO_FEATURIZER = 0;
  private static final int PATCH = 1;
  private static final int KMEANS = 2;
  private static final int SCATTERING = 3;
  private static final int STACKED = 4;
  private static final int MAX_PARTS = 4;

  /**
   * Larger than any head with its featurizer and PCA could need; a bigger file is refused unread.
   */
  public static final long MAX_FILE_BYTES = 64L << 20;

  static final int MAX_SIZE = 1 << 16;
  static final int MAX_CLASSES = 1 << 12;
  static final int MAX_IMAGE_SIDE = 1 << 12;
  static final int MAX_CHANNELS = 4;
  static final int MAX_PATCH_SIDE = 64;
  static final int MAX_NAME_BYTES = 4096;
  static final int MAX_REPORT_BYTES = 4 << 20;
  private static final byte[] MAGIC = "BTMODEL\0".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST_BYTES = 32;

  private ModelFile() {}

  /**
   * Writes the model to a new file (a temporary sibling, then moved into place).
   *
   * @throws FileAlreadyExistsException if {@code file} exists: a model is never overwritten
   * @throws IOException if writing fails
   */
  public static void write(Path file, HospitalModel m) throws IOException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file + ": a model file is never overwritten");
    }
    Out o = new Out();
    o.bytes(MAGIC);
    o.u32(VERSION);
    o.str(m.dataset());
    o.str(m.trainedBy());
    o.str(m.functions());
    HeadShape s = m.shape();
    o.u32(s.tokens());
    o.u32(s.dim());
    o.u32(s.hidden());
    o.u32(s.classes());
    for (String n : m.classNames()) {
      o.str(n);
    }
    writeFeaturizer(o, m.featurizer());
    Pca pca = m.pca();
    o.u8(pca == null ? 0 : 1);
    if (pca != null) {
      o.u32(pca.outputDim());
      o.u32(pca.inputDim());
      o.floats(pca.mean());
      for (float[] c : pca.components()) {
        o.floats(c);
      }
      o.doubles(pca.variances());
      o.f64(pca.totalVariance());
    }
    o.u8(m.positions());
    TokenScaling sc = m.scaling();
    o.f64(sc.clip());
    o.doubles(sc.mean());
    o.doubles(sc.invStd());
    double[] p = m.parameters().flatten();
    o.u32(p.length);
    o.doubles(p);
    o.str(m.reportJson());
    byte[] body = o.buf.toByteArray();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, concat(body, sha256().digest(body)));
      Files.move(
          tmp, file); // no REPLACE_EXISTING: a file that appeared meanwhile is not overwritten
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads and validates a model file.
   *
   * @throws MalformedFileException naming the file and the field: bad magic, version, checksum, a
   *     size outside its limit or beyond the file's end, values that do not fit together, or
   *     trailing bytes
   * @throws IOException if the file is missing, a directory, larger than {@link #MAX_FILE_BYTES} or
   *     unreadable
   */
  public static HospitalModel read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a directory, not a model file");
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such model file");
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new MalformedFileException(
          file + ": " + size + " bytes, more than a model file's " + MAX_FILE_BYTES);
    }
    if (size < MAGIC.length + 4 + DIGEST_BYTES) {
      throw new MalformedFileException(file + ": " + size + " bytes is too short for a model file");
    }
    byte[] all = Files.readAllBytes(file);
    if (!Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new MalformedFileException(file + ": not a blindtuner model file (bad magic)");
    }
    int bodyLength = all.length - DIGEST_BYTES;
    MessageDigest sha = sha256();
    sha.update(all, 0, bodyLength);
    if (!MessageDigest.isEqual(sha.digest(), Arrays.copyOfRange(all, bodyLength, all.length))) {
      throw new MalformedFileException(
          file + ": SHA-256 checksum mismatch (the file is corrupt or truncated)");
    }
    In in =
        new In(file, ByteBuffer.wrap(all, 0, bodyLength).slice().order(ByteOrder.LITTLE_ENDIAN));
    in.buf.position(MAGIC.length);
    int version = in.u32("version", Integer.MAX_VALUE);
    if (version < 1 || version > VERSION) {
      throw new MalformedFileException(
          file
              + ": model file version "
              + version
              + " is not supported (expected 1 to "
              + VERSION
              + ")");
    }
    String dataset = in.str("data set", MAX_NAME_BYTES);
    String trainedBy = in.str("trained by", MAX_NAME_BYTES);
    String functions = in.str("functions", MAX_NAME_BYTES);
    int tokens = in.u32("T", MAX_SIZE);
    int dim = in.u32("d", MAX_SIZE);
    int hidden = in.u32("m", MAX_SIZE);
    int classes = in.u32("C", MAX_CLASSES);
    HeadShape shape = in.check("head shape", () -> new HeadShape(tokens, dim, hidden, classes));
    in.need("class names", (long) classes * 4);
    List<String> names = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      names.add(in.str("class name " + c, MAX_NAME_BYTES));
    }
    Featurizer featurizer =
        readFeaturizer(in, version == 1 ? PATCH : version < 4 ? KMEANS : STACKED);
    Pca pca = null;
    if (in.flag("PCA present")) {
      int k = in.u32("PCA output values", MAX_SIZE);
      int d = in.u32("PCA input values", MAX_SIZE);
      if (k < 1 || d < 1) {
        throw new MalformedFileException(file + ": PCA of " + d + " -> " + k + " values");
      }
      float[] mean = in.floats("PCA mean", d);
      in.need("PCA components", (long) k * d * 4);
      float[][] comps = new float[k][];
      for (int c = 0; c < k; c++) {
        comps[c] = in.floats("PCA component " + c, d);
      }
      double[] variances = in.doubles("PCA variances", k);
      double total = in.f64("PCA total variance");
      pca = in.check("PCA", () -> new Pca(mean, comps, variances, total));
    }
    // the model's constructor refuses a count other than 0, 2 or 4
    int positions = version >= 3 ? in.u8("position-code values", 4) : 0;
    double clip = in.f64("scaling clip");
    double[] scMean = in.doubles("scaling mean", dim);
    double[] scInv = in.doubles("scaling inverse deviation", dim);
    TokenScaling scaling = in.check("token scaling", () -> TokenScaling.of(scMean, scInv, clip));
    int count = in.u32("parameter count", Integer.MAX_VALUE);
    if (count != shape.parameterCount()) {
      throw new MalformedFileException(
          file
              + ": parameter count "
              + count
              + ", a head of "
              + shape
              + " has "
              + shape.parameterCount());
    }
    double[] flat = in.doubles("parameters", count);
    for (int i = 0; i < flat.length; i++) {
      if (!Double.isFinite(flat[i])) {
        throw new MalformedFileException(file + ": parameter " + i + " is " + flat[i]);
      }
    }
    String report = in.str("training report", MAX_REPORT_BYTES);
    if (in.buf.hasRemaining()) {
      throw new MalformedFileException(
          file + ": " + in.buf.remaining() + " unexpected bytes before the checksum");
    }
    HeadParameters params = HeadParameters.fromFlat(shape, flat);
    Pca p = pca;
    Featurizer f = featurizer;
    return in.check(
        "model",
        () ->
            new HospitalModel(
                dataset, trainedBy, functions, shape, params, names, f, p, positions, scaling,
                report));
  }

  private static void writeFeaturizer(Out o, Featurizer f) {
    if (f == null) {
      o.u8(NO_FEATURIZER);
    } else if (f instanceof PatchFeaturizer p) {
      o.u8(PATCH);
      o.u32(p.grid());
      o.u32(p.height());
      o.u32(p.width());
      o.u32(p.channels());
      o.floats(p.mean());
      o.floats(p.invStd());
    } else if (f instanceof KMeansPatchFeaturizer k) {
      PatchDictionary d = k.dictionary();
      o.u8(KMEANS);
      o.u32(d.size());
      o.u32(d.channels());
      o.u32(d.k());
      o.u32(k.grid());
      o.u32(k.height());
      o.u32(k.width());
      o.doubles(d.whitening().mean());
      for (double[] row : d.whitening().matrix()) {
        o.doubles(row);
      }
      for (double[] c : d.centroids()) {
        o.doubles(c);
      }
    } else if (f instanceof ScatteringFeaturizer sc) {
      o.u8(SCATTERING);
      o.u32(sc.scales());
      o.u32(sc.angles());
      o.u32(sc.grid());
      o.u32(sc.height());
      o.u32(sc.width());
      o.u32(sc.channels());
    } else if (f instanceof StackedFeaturizer st
        && st.parts().size() <= MAX_PARTS
        && st.parts().stream().noneMatch(StackedFeaturizer.class::isInstance)) {
      o.u8(STACKED);
      o.u32(st.parts().size());
      for (Featurizer part : st.parts()) {
        writeFeaturizer(o, part);
      }
      o.floats(st.mean());
      o.floats(st.invStd());
    } else {
      throw new IllegalArgumentException("a model file cannot hold the featurizer " + f.name());
    }
  }

  /** The featurizer field; {@code maxKind} is the highest kind the file's version knows. */
  private static Featurizer readFeaturizer(In in, int maxKind) throws MalformedFileException {
    int kind = in.u8("featurizer", maxKind);
    if (kind == PATCH) {
      int grid = in.u32("featurizer grid", MAX_IMAGE_SIDE);
      int height = in.u32("featurizer image height", MAX_IMAGE_SIDE);
      int width = in.u32("featurizer image width", MAX_IMAGE_SIDE);
      int channels = in.u32("featurizer channels", MAX_CHANNELS);
      int values = height * width * channels; // below 2^28 by the limits above
      float[] mean = in.floats("featurizer mean", values);
      float[] invStd = in.floats("featurizer inverse deviation", values);
      return in.check(
          "featurizer", () -> PatchFeaturizer.of(grid, height, width, channels, mean, invStd));
    }
    if (kind == KMEANS) {
      int size = in.u32("dictionary patch size", MAX_PATCH_SIDE);
      int channels = in.u32("dictionary channels", MAX_CHANNELS);
      int k = in.u32("dictionary centroids", MAX_SIZE);
      int grid = in.u32("k-means grid", MAX_IMAGE_SIDE);
      int height = in.u32("k-means image height", MAX_IMAGE_SIDE);
      int width = in.u32("k-means image width", MAX_IMAGE_SIDE);
      int p = size * size * channels; // at most 64 * 64 * 4 by the limits above
      double[] mean = in.doubles("whitening mean", p);
      in.need("whitening matrix", (long) p * p * 8);
      double[][] matrix = new double[p][];
      for (int r = 0; r < p; r++) {
        matrix[r] = in.doubles("whitening matrix row " + r, p);
      }
      in.need("dictionary centroids", (long) k * p * 8);
      double[][] centroids = new double[k][];
      for (int c = 0; c < k; c++) {
        centroids[c] = in.doubles("dictionary centroid " + c, p);
      }
      return in.check(
          "k-means featurizer",
          () ->
              new KMeansPatchFeaturizer(
                  new PatchDictionary(size, channels, new PatchWhitening(mean, matrix), centroids),
                  grid,
                  height,
                  width));
    }
    if (kind == SCATTERING) {
      int scales = in.u32("scattering scales", ScatteringFeaturizer.MAX_SCALES);
      int angles = in.u32("scattering angles", ScatteringFeaturizer.MAX_ANGLES);
      int grid = in.u32("scattering grid", MAX_IMAGE_SIDE);
      int height = in.u32("scattering image height", MAX_IMAGE_SIDE);
      int width = in.u32("scattering image width", MAX_IMAGE_SIDE);
      int channels = in.u32("scattering channels", MAX_CHANNELS);
      return in.check(
          "scattering featurizer",
          () -> new ScatteringFeaturizer(scales, angles, grid, height, width, channels));
    }
    if (kind == STACKED) {
      int count = in.u32("stacked parts", MAX_PARTS);
      List<Featurizer> parts = new ArrayList<>(count);
      long values = 0;
      for (int p = 0; p < count; p++) {
        Featurizer part = readFeaturizer(in, SCATTERING);
        if (part == null) {
          throw new MalformedFileException(in.file + ": stacked part " + p + " has no featurizer");
        }
        parts.add(part);
        values += part.dim();
      }
      if (values > MAX_SIZE) {
        throw new MalformedFileException(
            in.file + ": stacked parts give " + values + " values per token, above " + MAX_SIZE);
      }
      float[] mean = in.floats("stacked mean", (int) values);
      float[] invStd = in.floats("stacked inverse deviation", (int) values);
      return in.check("stacked featurizer", () -> new StackedFeaturizer(parts, mean, invStd));
    }
    return null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Little-endian writer into memory (a model is at most a few MB). */
  private static final class Out {
    final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void bytes(byte[] b) {
      buf.writeBytes(b);
    }

    void u8(int v) {
      buf.write(v);
    }

    void u32(int v) {
      buf.write(scratch.clear().putInt(v).array(), 0, 4);
    }

    void f64(double v) {
      buf.write(scratch.clear().putDouble(v).array(), 0, 8);
    }

    void str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u32(b.length);
      bytes(b);
    }

    void floats(float[] v) {
      ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(v);
      bytes(b.array());
    }

    void doubles(double[] v) {
      ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(v);
      bytes(b.array());
    }
  }

  /** Reader over the checked body that names the file and the field in every error. */
  private static final class In {
    private final Path file;
    final ByteBuffer buf;

    In(Path file, ByteBuffer buf) {
      this.file = file;
      this.buf = buf;
    }

    /** Values that fail their own validation are the file's fault. */
    interface Make<T> {
      T make();
    }

    <T> T check(String field, Make<T> make) throws MalformedFileException {
      try {
        return make.make();
      } catch (IllegalArgumentException e) {
        throw new MalformedFileException(file + ": " + field + ": " + e.getMessage(), e);
      }
    }

    void need(String field, long bytes) throws MalformedFileException {
      if (bytes > buf.remaining()) {
        throw new MalformedFileException(
            file
                + ": "
                + field
                + " needs "
                + bytes
                + " bytes, only "
                + buf.remaining()
                + " remain");
      }
    }

    int u32(String field, int max) throws MalformedFileException {
      need(field, 4);
      int v = buf.getInt();
      if (v < 0 || v > max) {
        throw new MalformedFileException(
            file + ": " + field + " " + Integer.toUnsignedString(v) + " is outside 0.." + max);
      }
      return v;
    }

    /** One byte holding 0..max. */
    int u8(String field, int max) throws MalformedFileException {
      need(field, 1);
      int b = buf.get() & 0xff;
      if (b > max) {
        throw new MalformedFileException(file + ": " + field + " is " + b + ", expected 0.." + max);
      }
      return b;
    }

    boolean flag(String field) throws MalformedFileException {
      need(field, 1);
      byte b = buf.get();
      if (b != 0 && b != 1) {
        throw new MalformedFileException(file + ": " + field + " is " + b + ", expected 0 or 1");
      }
      return b == 1;
    }

    double f64(String field) throws MalformedFileException {
      need(field, 8);
      double v = buf.getDouble();
      if (!Double.isFinite(v)) {
        throw new MalformedFileException(file + ": " + field + " is " + v);
      }
      return v;
    }

    String str(String field, int maxBytes) throws MalformedFileException {
      int n = u32(field + " length", maxBytes);
      need(field, n);
      byte[] b = new byte[n];
      buf.get(b);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b))
            .toString();
      } catch (CharacterCodingException e) {
        throw new MalformedFileException(file + ": " + field + " is not UTF-8", e);
      }
    }

    float[] floats(String field, int n) throws MalformedFileException {
      need(field, (long) n * 4);
      float[] v = new float[n];
      buf.asFloatBuffer().get(v);
      buf.position(buf.position() + n * 4);
      return v;
    }

    double[] doubles(String field, int n) throws MalformedFileException {
      need(field, (long) n * 8);
      double[] v = new double[n];
      buf.asDoubleBuffer().get(v);
      buf.position(buf.position() + n * 8);
      return v;
    }
  }
}
