package io.shardline.cli;

import io.shardline.pipeline.OptionsCatalog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints every job option as the README's Markdown table. */
@Command(name = "options", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline options > options.md",
        description = "Print every job option (key, default, environment variable, description) as a Markdown table;"
                + " with --feeder, every feeder option.")
final class OptionsCommand implements Callable<Integer> {

    @picocli.CommandLine.Option(names = "--feeder", description = "Print the feeder's options instead (shardline serve).")
    boolean feeder;

    @Override
    public Integer call() {
        System.out.print(feeder ? io.shardline.feeder.FeederOptions.markdownTable() : OptionsCatalog.markdownTable());
        return 0;
    }
}
