package io.blindtuner.pipeline.cli;

import io.blindtuner.pipeline.hospital.EpochMetrics;
import io.blindtuner.pipeline.hospital.TrainingReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * {@code train --plot FILE} and {@code demo --plot FILE}: the training curves as a PNG, three
 * panels side by side — test loss, test accuracy and test AUC after every epoch — with a line per
 * run (float reference, plaintext twin) and the encrypted run's end point. Drawn headless with the
 * JDK's own imaging.
 */
final class TrainingPlot {
  static final int WIDTH = 1200;
  static final int HEIGHT = 420;
  static final Color FLOAT = new Color(0x1f77b4);
  static final Color TWIN = new Color(0xff7f0e);
  static final Color ENCRYPTED = new Color(0x2ca02c);
  private static final int MARGIN = 50;

  private TrainingPlot() {}

  /**
   * What a plot shows: each run's points after every epoch (the encrypted run's only where its
   * model was opened).
   *
   * @param caption the data the runs were scored on, e.g. "breastmnist, 546 train / 156 test
   *     images"
   */
  record Curves(
      String caption,
      int epochs,
      List<EpochMetrics> floatHistory,
      List<EpochMetrics> twinHistory,
      List<EpochMetrics> encryptedHistory) {

    static Curves of(TrainingReport rep) {
      return new Curves(
          rep.dataset()
              + ", "
              + rep.trainImages()
              + " train / "
              + rep.testImages()
              + " test images",
          rep.config().epochs(),
          rep.floatHistory(),
          rep.twinHistory(),
          rep.encryptedHistory());
    }
  }

  /**
   * Draws the curves into {@code file}.
   *
   * @throws IOException if the file cannot be written
   */
  static void write(Path file, Curves rep) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = draw(rep);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("--plot " + file + ": no PNG writer in this JVM");
    }
  }

  static BufferedImage draw(Curves rep) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      int panel = WIDTH / 3;
      int epochs = rep.epochs();
      panel(g, rep, 0, panel, epochs, "test loss (cross-entropy)", EpochMetrics::testLoss, false);
      panel(g, rep, panel, panel, epochs, "test accuracy", m -> m.test().accuracy(), true);
      panel(g, rep, 2 * panel, panel, epochs, "test AUC", m -> m.test().auc(), true);
      legend(g, rep);
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void panel(
      Graphics2D g,
      Curves rep,
      int x0,
      int w,
      int epochs,
      String title,
      ToDoubleFunction<EpochMetrics> value,
      boolean unitRange) {
    int left = x0 + MARGIN;
    int right = x0 + w - 15;
    int top = 40;
    int bottom = HEIGHT - 60;
    double lo = unitRange ? 1 : Double.POSITIVE_INFINITY;
    double hi = unitRange ? 0 : Double.NEGATIVE_INFINITY;
    for (List<EpochMetrics> h :
        List.of(rep.floatHistory(), rep.twinHistory(), rep.encryptedHistory())) {
      for (EpochMetrics m : h) {
        double v = value.applyAsDouble(m);
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!(hi > lo)) { // one value (or none): give the axis some height
      double c = Double.isFinite(lo) ? lo : 0;
      lo = c - 0.5;
      hi = c + 0.5;
    }
    double pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    g.setColor(Color.BLACK);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(title, left + (right - left - fm.stringWidth(title)) / 2, top - 15);
    g.drawRect(left, top, right - left, bottom - top);
    // enough decimals that the five ticks (a quarter of the range apart) read differently
    int decimals = Math.max(2, (int) Math.ceil(-Math.log10((hi - lo) / 4)) + 1);
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      int y = yOf(v, lo, hi, top, bottom);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(left + 1, y, right - 1, y);
      g.setColor(Color.BLACK);
      String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
      g.drawString(s, left - fm.stringWidth(s) - 4, y + fm.getAscent() / 2);
    }
    int tickEvery = Math.max(1, epochs / 10);
    for (int e = 1; e <= epochs; e += tickEvery) {
      int x = xOf(e, epochs, left, right);
      String s = Integer.toString(e);
      g.drawLine(x, bottom, x, bottom + 4);
      g.drawString(s, x - fm.stringWidth(s) / 2, bottom + 18);
    }
    g.drawString("epoch", (left + right) / 2 - fm.stringWidth("epoch") / 2, bottom + 34);
    series(g, rep.floatHistory(), value, FLOAT, epochs, lo, hi, left, right, top, bottom);
    series(g, rep.twinHistory(), value, TWIN, epochs, lo, hi, left, right, top, bottom);
    series(g, rep.encryptedHistory(), value, ENCRYPTED, epochs, lo, hi, left, right, top, bottom);
  }

  private static void series(
      Graphics2D g,
      List<EpochMetrics> h,
      ToDoubleFunction<EpochMetrics> value,
      Color c,
      int epochs,
      double lo,
      double hi,
      int left,
      int right,
      int top,
      int bottom) {
    g.setColor(c);
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (EpochMetrics m : h) {
      double v = value.applyAsDouble(m);
      if (!Double.isFinite(v)) {
        px = -1;
        continue;
      }
      int x = xOf(m.epoch(), epochs, left, right);
      int y = yOf(v, lo, hi, top, bottom);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 4, y - 4, 9, 9);
      px = x;
      py = y;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static void legend(Graphics2D g, Curves rep) {
    int x = MARGIN;
    int y = HEIGHT - 12;
    FontMetrics fm = g.getFontMetrics();
    String[] names = {"float reference", "plaintext twin", "encrypted (CKKS, at the end)"};
    Color[] colours = {FLOAT, TWIN, ENCRYPTED};
    int shown = rep.encryptedHistory().isEmpty() ? 2 : 3;
    for (int i = 0; i < shown; i++) {
      g.setColor(colours[i]);
      g.fillRect(x, y - 10, 18, 10);
      g.setColor(Color.BLACK);
      g.drawString(names[i], x + 24, y);
      x += 24 + fm.stringWidth(names[i]) + 30;
    }
    String what = rep.caption();
    g.drawString(what, WIDTH - fm.stringWidth(what) - 15, y);
  }

  private static int xOf(int epoch, int epochs, int left, int right) {
    return epochs == 1
        ? (left + right) / 2
        : left + 10 + (right - left - 20) * (epoch - 1) / (epochs - 1);
  }

  private static int yOf(double v, double lo, double hi, int top, int bottom) {
    return (int) Math.round(bottom - (v - lo) / (hi - lo) * (bottom - top));
  }
}
