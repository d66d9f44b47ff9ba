package io.shardline.cli;

import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.OptionsCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command takes: where configuration comes from. */
final class CommonOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file of 'key: value' lines (shardline and Flink options). Environment variables"
                    + " (SHARDLINE_INGEST_TEXT_TOPIC for shardline.ingest.text.topic) override it; --set overrides both.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set an option; repeatable.")
    List<String> sets = new ArrayList<>();

    JobConfig load() {
        return JobConfig.of(OptionsCatalog.loader().load(configFile, System.getenv(), sets));
    }
}
