package io.shardline.config;

import java.util.Collection;

/** The README's tables of options, in Markdown: key, default, environment variable and description. */
public final class OptionsTable {

    private OptionsTable() {}

    public static String markdown(Collection<? extends Option<?>> options) {
        return markdown(options, null, null, null);
    }

    /**
     * As {@link #markdown(Collection)}, with one more row after the option {@code afterKey}: a family of keys
     * passed through to a client ({@code shardline.ingest.kafka.<property>}), which no single option declares.
     */
    public static String markdown(Collection<? extends Option<?>> options, String afterKey, String familyKey, String familyDescription) {
        StringBuilder b = new StringBuilder();
        b.append("| option | default | environment variable | description |\n");
        b.append("| --- | --- | --- | --- |\n");
        for (Option<?> o : options) {
            String def = o.hasDefault() ? "`" + o.defaultText() + "`" : "(none)";
            b.append("| `").append(o.key()).append("` | ").append(def).append(" | `").append(o.environmentVariable())
                    .append("` | ").append(escape(o.description())).append(" |\n");
            if (o.key().equals(afterKey)) {
                b.append("| `").append(familyKey).append("` | (none) | (none: a file or --set) | ").append(escape(familyDescription))
                        .append(" |\n");
            }
        }
        return b.toString();
    }

    /** Text that Markdown shows as written: no HTML tags from {@code <root>}, no column break from {@code |}. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|");
    }
}
