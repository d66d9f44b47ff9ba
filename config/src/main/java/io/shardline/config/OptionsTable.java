package io.shardline.config;

import java.util.Collection;

/** The README's tables of options, in Markdown: key, default, environment variable and description. */
public final class OptionsTable {

    private OptionsTable() {}

    public static String markdown(Collection<? extends Option<?>> options) {
        StringBuilder b = new StringBuilder();
        b.append("| option | default | environment variable | description |\n");
        b.append("| --- | --- | --- | --- |\n");
        for (Option<?> o : options) {
            String def = o.hasDefault() ? "`" + o.defaultText() + "`" : "(none)";
            b.append("| `").append(o.key()).append("` | ").append(def).append(" | `").append(o.environmentVariable())
                    .append("` | ").append(escape(o.description())).append(" |\n");
        }
        return b.toString();
    }

    /** Text that Markdown shows as written: no HTML tags from {@code <root>}, no column break from {@code |}. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|");
    }
}
