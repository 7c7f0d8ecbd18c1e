package io.blindtuner.pipeline.cli;

import static io.blindtuner.pipeline.cli.CliFixture.data;
import static io.blindtuner.pipeline.cli.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.pipeline.cli.CliFixture.Run;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --save-model} then {@code predict}: the hospital gets a model that scores as
 * training said.
 */
class PredictCommandTest {
  @TempDir Path dir;

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(json);
    assertThat(m.find()).as("field " + key).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /**
   * The saved model on the test split scores exactly what the training report says of the twin: the
   * same featurizer, PCA, scaling and parameters, written and read back bit for bit, through the
   * same arithmetic.
   */
  @Test
  void aSavedModelPredictsTheTestSplitWithTheReportedMetrics() throws IOException {
    Path model = dir.resolve("breast.model");
    Path trainReport = dir.resolve("train.json");
    Path plot = dir.resolve("curves.png");
    Run t =
        run(
            "train",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--limit-train",
            "128",
            "--epochs",
            "3",
            "--class-names",
            "malignant,benign",
            "--save-model",
            model.toString(),
            "--report",
            trainReport.toString(),
            "--plot",
            plot.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains("model     " + model).contains("plot      " + plot);

    Path csv = dir.resolve("pred.csv");
    Path predReport = dir.resolve("pred.json");
    Run p =
        run(
            "predict",
            "--model",
            model.toString(),
            "--data",
            data().toString(),
            "--split",
            "test",
            "--out",
            csv.toString(),
            "--report",
            predReport.toString());
    assertThat(p.code()).as(p.err()).isZero();
    String tr = Files.readString(trainReport);
    String pr = Files.readString(predReport);
    assertThat(number(pr, "images")).isEqualTo(156);
    assertThat(tr)
        .contains(
            "\"featurizer\": \"stacked (k-means patch dictionary (Coates-Ng, weight-free)"
                + " + wavelet scattering (weight-free))\"");
    assertThat(number(pr, "accuracy")).isEqualTo(number(tr, "twin_accuracy"));
    assertThat(number(pr, "balanced_accuracy")).isEqualTo(number(tr, "twin_balanced_accuracy"));
    assertThat(number(pr, "auc")).isEqualTo(number(tr, "twin_auc"));

    List<String> rows = Files.readAllLines(csv);
    assertThat(rows).hasSize(157);
    assertThat(rows.get(0)).isEqualTo("index,label,predicted,p_malignant,p_benign");
    long correct =
        rows.stream().skip(1).map(r -> r.split(",")).filter(c -> c[1].equals(c[2])).count();
    assertThat(correct / 156.0).isEqualTo(number(tr, "twin_accuracy"));
    for (String r : rows.subList(1, rows.size())) {
      String[] c = r.split(",");
      assertThat(Double.parseDouble(c[3]) + Double.parseDouble(c[4]))
          .isCloseTo(
              1.0,
              org.assertj.core.data.Offset.offset(
                  2e-6)); // two values printed to 6 significant digits
    }

    // the per-epoch history: one point per epoch for each plaintext run, the last equal to the
    // final metrics
    assertThat(tr).contains("\"history\"");
    assertThat(Pattern.compile("\"epoch\": 3").matcher(tr).results().count()).isEqualTo(2);

    BufferedImage img = ImageIO.read(plot.toFile());
    assertThat(img.getWidth()).isEqualTo(TrainingPlot.WIDTH);
    assertThat(img.getHeight()).isEqualTo(TrainingPlot.HEIGHT);
    assertThat(CliFixture.pixels(img, TrainingPlot.FLOAT.getRGB()))
        .as("float reference curve")
        .isPositive();
    assertThat(CliFixture.pixels(img, TrainingPlot.TWIN.getRGB())).as("twin curve").isPositive();
    assertThat(CliFixture.pixels(img, TrainingPlot.ENCRYPTED.getRGB()))
        .as("no encrypted run, no encrypted colour")
        .isZero();

    Run again =
        run(
            "train",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--limit-train",
            "64",
            "--epochs",
            "1",
            "--save-model",
            model.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("--save-model " + model + " already exists");

    Run val =
        run("predict", "--model", model.toString(), "--data", data().toString(), "--split", "val");
    assertThat(val.code()).as(val.err()).isZero();
    assertThat(val.out()).contains("val split of breastmnist: 78 images");
    Run badSplit =
        run("predict", "--model", model.toString(), "--data", data().toString(), "--split", "dev");
    assertThat(badSplit.code()).isEqualTo(1);
    assertThat(badSplit.err()).contains("--split must be test, val or train, got 'dev'");
    Run otherImages =
        run(
            "predict",
            "--model",
            model.toString(),
            "--data",
            data().resolve("retinamnist.npz").toString());
    assertThat(otherImages.code()).isEqualTo(1);
    assertThat(otherImages.err())
        .contains("--data " + data().resolve("retinamnist.npz"))
        .contains("breastmnist has 1 channel(s) but the file's images have 3");
  }

  /**
   * The model file holds either featurizer; the default (k-means) is covered above, the patch
   * featurizer here.
   */
  @Test
  void aModelWithThePatchFeaturizerPredictsWhatTrainingReported() throws IOException {
    Path model = dir.resolve("patch.model");
    Path trainReport = dir.resolve("train.json");
    Run t =
        run(
            "train",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--limit-train",
            "96",
            "--epochs",
            "2",
            "--featurizer",
            "patch",
            "--save-model",
            model.toString(),
            "--report",
            trainReport.toString());
    assertThat(t.code()).as(t.err()).isZero();
    Path predReport = dir.resolve("pred.json");
    Run p =
        run(
            "predict",
            "--model",
            model.toString(),
            "--data",
            data().toString(),
            "--report",
            predReport.toString());
    assertThat(p.code()).as(p.err()).isZero();
    String tr = Files.readString(trainReport);
    String pr = Files.readString(predReport);
    assertThat(tr).contains("\"featurizer\": \"patch featurizer (weight-free)\"");
    assertThat(number(pr, "auc")).isEqualTo(number(tr, "twin_auc"));
    assertThat(number(pr, "balanced_accuracy")).isEqualTo(number(tr, "twin_balanced_accuracy"));
  }

  @Test
  void aCorruptModelFileIsNamed() throws IOException {
    Path bad = Files.write(dir.resolve("bad.model"), new byte[100]);
    Run r = run("predict", "--model", bad.toString(), "--data", data().toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(bad + ": not a blindtuner model file (bad magic)");
  }
}
