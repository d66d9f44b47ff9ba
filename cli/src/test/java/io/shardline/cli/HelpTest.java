package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help: printed without a warning, and with an example of its use. */
class HelpTest {

    static void collect(CommandLine c, List<CommandLine> out) {
        out.add(c);
        c.getSubcommands().values().stream().distinct().forEach(s -> {
            if (!s.getCommandName().equals("help")) {
                collect(s, out);
            }
        });
    }

    @Test
    void everyHelpHasAnExampleAndNoWarning() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        assertThat(all.size()).isGreaterThan(15);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        List<String> withoutExample = new ArrayList<>();
        try {
            for (CommandLine c : all) {
                String usage = c.getUsageMessage();
                if (c.getParent() != null && !usage.contains("Example")) {
                    withoutExample.add(c.getCommandSpec().qualifiedName());
                }
            }
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).as("warnings while formatting help").isEmpty();
        assertThat(withoutExample).as("commands whose help has no example").isEmpty();
    }
}
