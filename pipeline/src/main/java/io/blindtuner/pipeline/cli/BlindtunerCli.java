package io.blindtuner.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code blindtuner} command line. Each subcommand lives in its own class in this package and
 * is registered in the {@code subcommands} list below.
 */
@Command(
    name = "blindtuner",
    mixinStandardHelpOptions = true,
    versionProvider = BlindtunerCli.Version.class,
    description = "Fine-tune a vision-transformer head on CKKS-encrypted tokens: the hospital keeps images, labels and keys.",
    subcommands = {CommandLine.HelpCommand.class, SealCommand.class, FeaturizeCommand.class, TrainCommand.class})
public final class BlindtunerCli {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new BlindtunerCli());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BlindtunerCli.class.getPackage().getImplementationVersion();
      return new String[] {"blindtuner " + (v == null ? "development build" : v)};
    }
  }
}
