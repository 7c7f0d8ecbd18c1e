package io.blindtuner.pipeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
    description =
        "Fine-tune a vision-transformer head on CKKS-encrypted tokens: the hospital keeps images, labels and keys.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DemoCommand.class,
      SealCommand.class,
      FeaturizeCommand.class,
      TrainCommand.class,
      EdgeCommand.class,
      TrainerCommand.class,
      PredictCommand.class
    })
public final class BlindtunerCli {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, shared by {@link #main} and the tests. Bad input (an unreadable or
   * malformed file, an invalid option value, an inconsistent state) reaches the user as one line,
   * "command: message", with exit code 1; a command line picocli cannot parse (an unknown option, a
   * missing value, a value of the wrong type) as "command: message" and a one-line hint to {@code
   * --help}, with exit code 2; any other exception is a bug and keeps its stack trace.
   */
  public static CommandLine commandLine() {
    // An option given twice takes its last value, as in most Unix tools (a script can override a
    // default it set).
    return new CommandLine(new BlindtunerCli())
        .setOverwrittenOptionsAllowed(true)
        .setParameterExceptionHandler(
            (e, args) -> {
              CommandLine cmd = e.getCommandLine();
              PrintWriter err = cmd.getErr();
              err.println(cmd.getCommandName() + ": " + e.getMessage());
              err.println(
                  "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
              err.flush();
              return cmd.getCommandSpec().exitCodeOnInvalidInput();
            })
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof UncheckedIOException u) {
                e = u.getCause(); // e.g. a refresh ledger or key file that cannot be used, named
                // in the message
              }
              if (e instanceof IOException
                  || e instanceof IllegalArgumentException
                  || e instanceof IllegalStateException) {
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
