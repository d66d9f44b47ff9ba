package io.shardline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shardline} command. */
@Command(
        name = "shardline",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Kafka to training-ready Parquet shards with Flink, and datasets served to GPU workers.",
        subcommands = {DemoCommand.class, ProduceCommand.class, RunCommand.class, ReplayCommand.class, VersionsCommand.class, ServeCommand.class, ReadCommand.class, DeadLettersCommand.class, StackCommand.class, ClusterCommand.class, BenchCommand.class, OptionsCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        int code = new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // Configuration mistakes deserve one clear line, not a stack trace.
                    if (e instanceof IllegalArgumentException) {
                        cmd.getErr().println("shardline: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                })
                .execute(args);
        System.exit(code);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"shardline " + (v == null ? "(development build)" : v)};
        }
    }
}
