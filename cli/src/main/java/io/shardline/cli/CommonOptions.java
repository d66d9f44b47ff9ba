package io.shardline.cli;

import io.shardline.config.Settings;
import io.shardline.feeder.FeederOptions;
import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.OptionsCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options every command takes: where configuration comes from. In increasing precedence: the settings of the
 * local stack ({@code ./shardline stack up}) when one was brought up in the {@code --stack} folder, the
 * {@code --config} file, {@code SHARDLINE_*} environment variables, {@code --set} flags.
 */
final class CommonOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file of 'key: value' lines (shardline and Flink options). Environment variables"
                    + " (SHARDLINE_INGEST_TEXT_TOPIC for shardline.ingest.text.topic) override it; --set overrides both.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set an option; repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--stack", paramLabel = "DIR", defaultValue = "${env:SHARDLINE_STACK:-shardline-stack}",
            description = "Folder of the local stack (./shardline stack up) whose settings come first, if one was brought up"
                    + " there (default: ${DEFAULT-VALUE}).")
    Path stack;

    JobConfig load() {
        return JobConfig.of(OptionsCatalog.loader().loadFiles(files(true), System.getenv(), sets));
    }

    /** The configuration without the local stack's settings: for 'stack up' itself, and the demo and benchmarks, which bring their own stack. */
    JobConfig loadWithoutStack() {
        return JobConfig.of(OptionsCatalog.loader().loadFiles(files(false), System.getenv(), sets));
    }

    /** The feeder's configuration, from the same sources. */
    Settings loadFeeder() {
        return FeederOptions.loader().loadFiles(files(true), System.getenv(), sets);
    }

    Path stackDir() {
        return stack;
    }

    private List<Path> files(boolean withStack) {
        List<Path> files = new ArrayList<>();
        if (withStack) {
            StackCommand.settingsOf(stack).ifPresent(files::add);
        }
        if (configFile != null) {
            files.add(configFile);
        }
        return files;
    }
}
