package io.shardline.cli;

import io.shardline.pipeline.OptionsCatalog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints every job option as the README's Markdown table. */
@Command(name = "options", mixinStandardHelpOptions = true,
        description = "Print every job option (key, default, environment variable, description) as a Markdown table.")
final class OptionsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(OptionsCatalog.markdownTable());
        return 0;
    }
}
