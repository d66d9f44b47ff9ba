package io.shardline.pipeline;

import io.shardline.config.ConfigLoader;
import io.shardline.config.Option;
import io.shardline.config.OptionsTable;
import io.shardline.format.S3Options;
import io.shardline.ingest.IngestOptions;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every shardline option of the job, from each module's options class: the source of the README's options
 * table and of the check that configuration files name only options that exist.
 */
public final class OptionsCatalog {

    private OptionsCatalog() {}

    /** Keys under these prefixes are passed through to a client and not checked. */
    public static final List<String> PASS_THROUGH_PREFIXES = List.of(IngestOptions.KAFKA_PROPERTIES_PREFIX);

    public static List<Option<?>> jobOptions() {
        List<Option<?>> all = new ArrayList<>();
        all.addAll(IngestOptions.all());
        all.addAll(PreprocessOptions.all());
        all.addAll(ShardWriterOptions.all());
        all.addAll(S3Options.all());
        all.addAll(JobOptions.all());
        return Collections.unmodifiableList(all);
    }

    /** Reads the job's configuration: a file, then {@code SHARDLINE_*} variables, then {@code --set} flags. */
    public static ConfigLoader loader() {
        return new ConfigLoader("job", jobOptions(), PASS_THROUGH_PREFIXES);
    }

    /**
     * The README's options table, in Markdown: key, default, environment variable and description of every
     * job option. {@code ReadmeOptionsTest} checks that the README holds exactly this.
     */
    public static String markdownTable() {
        return OptionsTable.markdown(jobOptions());
    }
}
