package io.shardline.pipeline;

import io.shardline.ingest.IngestOptions;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

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
        all.addAll(Arrays.asList(PreprocessOptions.all()));
        all.addAll(Arrays.asList(ShardWriterOptions.all()));
        all.addAll(Arrays.asList(JobOptions.all()));
        return Collections.unmodifiableList(all);
    }

    /**
     * The README's options table, in Markdown: key, default, environment variable and description of every
     * job option. {@code ReadmeOptionsTest} checks that the README holds exactly this.
     */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder();
        b.append("| option | default | environment variable | description |\n");
        b.append("| --- | --- | --- | --- |\n");
        HtmlFormatter html = new HtmlFormatter();
        for (ConfigOption<?> o : jobOptions()) {
            String def = o.hasDefaultValue() ? render(o.defaultValue()) : "(none)";
            b.append("| `").append(o.key()).append("` | ").append(def).append(" | `")
                    .append(environmentVariable(o.key())).append("` | ")
                    .append(html.format(o.description()).replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    private static String render(Object value) {
        if (value instanceof MemorySize m) {
            long b = m.getBytes();
            String text = b % (1L << 20) == 0 ? (b >> 20) + "mb" : b % 1024 == 0 ? (b >> 10) + "kb" : b + "b";
            return "`" + text + "`";
        }
        if (value instanceof Duration d) {
            return "`" + TimeUtils.formatWithHighestUnit(d) + "`";
        }
        return "`" + value + "`";
    }

    /** {@code shardline.ingest.text.topic} -> {@code SHARDLINE_INGEST_TEXT_TOPIC}. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
