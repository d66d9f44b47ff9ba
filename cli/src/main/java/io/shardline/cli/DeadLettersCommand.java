package io.shardline.cli;

import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.DeadLetterRedrive;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.JobConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the job dead-lettered, and sending it back: the dead-letter topic read to its end, committed
 * transactions only, counted by reason, source topic and hour, with examples; {@code redrive} publishes the
 * chosen letters back to their source topics once ({@link DeadLetterRedrive}).
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = {"Dead letters by reason, by source topic and by hour, with examples (committed records only).",
                "Example: ./shardline dead-letters --examples 3"},
        subcommands = DeadLettersCommand.Redrive.class)
final class DeadLettersCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--reason", description = "Only letters of this reason (a code such as 'late' or 'missing-field').")
    String reason;

    @Option(names = "--examples", defaultValue = "2", description = "Examples shown per reason (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--timeout", defaultValue = "PT30S", description = "How long reading may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        JobConfig conf = common.load();
        String topic = conf.get(IngestOptions.DEAD_LETTER_TOPIC);
        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(IngestOptions.clientProperties(conf.settings()), topic, timeout).stream()
                .filter(l -> reason == null || reason.equals(l.reason())).toList();
        System.out.printf("%,d dead letters in %s%s%n", letters.size(), topic, reason == null ? "" : " with reason " + reason);
        if (letters.isEmpty()) {
            return 0;
        }
        Map<String, Long> byTopic = new TreeMap<>();
        Map<Instant, Long> byHour = new TreeMap<>();
        Map<String, List<DeadLetterReader.Letter>> byReason = new TreeMap<>();
        for (DeadLetterReader.Letter l : letters) {
            byTopic.merge(String.valueOf(l.sourceTopic()), 1L, Long::sum);
            byHour.merge(Instant.ofEpochMilli(l.timestamp()).truncatedTo(ChronoUnit.HOURS), 1L, Long::sum);
            byReason.computeIfAbsent(String.valueOf(l.reason()), k -> new java.util.ArrayList<>()).add(l);
        }
        System.out.println("By reason:");
        byReason.forEach((r, ls) -> System.out.printf("  %-28s %,d%n", r, ls.size()));
        System.out.println("By source topic:");
        byTopic.forEach((t, n) -> System.out.printf("  %-28s %,d%n", t, n));
        System.out.println("By hour dead-lettered (UTC):");
        byHour.forEach((h, n) -> System.out.printf("  %-28s %,d%n", h.atOffset(ZoneOffset.UTC).toLocalDateTime(), n));
        if (examples > 0) {
            System.out.println("Examples:");
            byReason.forEach((r, ls) -> ls.stream().limit(examples).forEach(l -> System.out.printf(
                    "  [%s] %s/%d/%d (dead letter %s): %s%n      value: %s%n", r, l.sourceTopic(), l.sourcePartition(), l.sourceOffset(),
                    l.coordinates(), l.errorMessage(), preview(l.value()))));
        }
        System.out.println("Send letters back after fixing the configuration: ./shardline dead-letters redrive --reason REASON");
        return 0;
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Publish the chosen dead letters back to their source topics, with their key, value and headers and a"
                    + " header " + DeadLetterRedrive.HEADER_REDRIVEN_FROM + " naming the letter; once: letters an earlier redrive"
                    + " sent are skipped (recorded in the topic <dead-letter topic>.redriven).",
                    "Example: ./shardline dead-letters redrive --reason record-too-large --since 2026-12-01T00:00:00Z"})
    static final class Redrive implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--reason", required = true, description = "Reason of the letters to send back.")
        String reason;

        @Option(names = "--since", description = "Only letters dead-lettered at or after this instant (ISO-8601, UTC).")
        Instant since;

        @Option(names = "--dry-run", description = "Say what would be sent, send nothing.")
        boolean dryRun;

        @Option(names = "--timeout", defaultValue = "PT30S", description = "How long reading may take (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            JobConfig conf = common.load();
            String topic = conf.get(IngestOptions.DEAD_LETTER_TOPIC);
            Predicate<DeadLetterReader.Letter> which = l -> reason.equals(l.reason())
                    && (since == null || l.timestamp() >= since.toEpochMilli());
            DeadLetterRedrive.Outcome o = DeadLetterRedrive.redrive(IngestOptions.clientProperties(conf.settings()), topic, which, dryRun, timeout);
            System.out.printf("%,d dead letters with reason %s%s; %,d sent back by an earlier redrive (skipped); %s %,d: %s%n",
                    o.selected(), reason, since == null ? "" : " since " + since, o.alreadyRedriven(),
                    dryRun ? "would send" : "sent", dryRun ? o.selected() - o.alreadyRedriven() : o.sent(), o.byTopic());
            return 0;
        }
    }

    /** The first bytes of a value: as text where it is text, else in hex. */
    static String preview(byte[] value) {
        if (value == null) {
            return "(null)";
        }
        int n = Math.min(value.length, 80);
        String text = new String(value, 0, n, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0xfffd || c == '\t');
        String shown = printable ? text : java.util.HexFormat.ofDelimiter(" ").formatHex(value, 0, Math.min(n, 32));
        return shown + (value.length > n ? " ... (" + value.length + " bytes)" : "");
    }
}
