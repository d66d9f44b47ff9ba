package io.shardline.pipeline;

import io.shardline.ingest.IngestOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every shardline option of the job, from each module's options class: the source of the README's options
 * table and of the check that configuration files name only options that exist.
 */
public final class OptionsCatalog {

    private OptionsCatalog() {}

    /** Keys under these prefixes are passed through to a client and not checked. */
    public static final List<String> PASS_THROUGH_PREFIXES = List.of(IngestOptions.KAFKA_PROPERTIES_PREFIX);

    public static List<ConfigOption<?>> jobOptions() {
        List<ConfigOption<?>> all = new ArrayList<>();
        all.addAll(Arrays.asList(IngestOptions.all()));
        all.addAll(Arrays.asList(ShardWriterOptions.all()));
        all.addAll(Arrays.asList(PipelineOptions.all()));
        return Collections.unmodifiableList(all);
    }

    /** {@code shardline.ingest.text.topic} -> {@code SHARDLINE_INGEST_TEXT_TOPIC}. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
