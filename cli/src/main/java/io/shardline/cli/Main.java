package io.shardline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shardline} command. */
@Command(
        name = "shardline",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Kafka to training-ready Parquet shards with Flink, and datasets served to GPU workers.",
        footer = {"%nExample: ./shardline stack up && ./shardline produce text docs.jsonl && ./shardline run --set"
                + " shardline.ingest.bounded=true", "Any command: --verbose prints the stack trace of a failure."},
        subcommands = {DemoCommand.class, ProduceCommand.class, RunCommand.class, ReplayCommand.class, VersionsCommand.class, ExplainCommand.class, StatusCommand.class, ServeCommand.class, ReadCommand.class, DeadLettersCommand.class, StackCommand.class, ClusterCommand.class, BenchCommand.class, OptionsCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        // The AWS SDK v1 inside Hadoop's S3A prints a deprecation notice with a stack trace on first use; nothing
        // a user of this command can act on.
        if (System.getProperty("aws.java.v1.disableDeprecationAnnouncement") == null) {
            System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        }
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
        System.exit(execute(rest, verbose));
    }

    /**
     * Runs the command line. A failure is one line that says what went wrong, from the outermost message to the
     * root cause's; the stack trace only with {@code --verbose} (anywhere among the arguments).
     */
    static int execute(String[] args, boolean verbose) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("shardline: " + oneLine(e));
                    if (verbose) {
                        e.printStackTrace(cmd.getErr());
                    } else if (!(e instanceof IllegalArgumentException)) {
                        cmd.getErr().println("shardline: (run again with --verbose for the stack trace)");
                    }
                    // Configuration mistakes exit 2, everything else 1.
                    return e instanceof IllegalArgumentException ? 2 : 1;
                })
                .execute(args);
    }

    /** The messages of an exception and its causes, each once, joined: what happened and why. */
    static String oneLine(Throwable e) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            int newline = m.indexOf('\n');
            String first = newline < 0 ? m : m.substring(0, newline);
            if (parts.stream().noneMatch(p -> p.contains(first))) {
                parts.add(first);
            }
        }
        return String.join(": ", parts);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"shardline " + (v == null ? "(development build)" : v)};
        }
    }
}
