package io.blindtuner.pipeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
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
    subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, SealCommand.class, FeaturizeCommand.class,
        TrainCommand.class, EdgeCommand.class, TrainerCommand.class})
public final class BlindtunerCli {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, shared by {@link #main} and the tests. Bad input (an unreadable or malformed file,
   * an invalid option value, an inconsistent state) reaches the user as one line, "command: message", with exit
   * code 1; any other exception is a bug and keeps its stack trace.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new BlindtunerCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + e.getMessage());
        err.flush();
        return 1;
      }
      throw e;
    });
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BlindtunerCli.class.getPackage().getImplementationVersion();
      return new String[] {"blindtuner " + (v == null ? "development build" : v)};
    }
  }
}
