package io.shardline.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters back to the topics they came from, once each, so that a job with a fixed configuration
 * takes them: each with its original key, value and headers, plus {@value #HEADER_REDRIVEN_FROM} naming the
 * dead letter ({@code topic/partition/offset}).
 *
 * <p>Once: every redriven letter is recorded in a compacted ledger topic ({@code <dead-letter topic>.redriven},
 * keyed by the letter's coordinates) in the same Kafka transaction as the records sent back, so the two are
 * written together or not at all, and a later redrive skips what the ledger holds. The transactional id is
 * one per dead-letter topic: a redrive that starts fences any other still running on the same topic before
 * it reads the ledger, so two redrives at once cannot both send a letter.
 */
public final class DeadLetterRedrive {

    /** Header on a redriven record: the coordinates of the dead letter it was sent back from. */
    public static final String HEADER_REDRIVEN_FROM = "shardline.redriven-from";

    /**
     * @param selected letters the filter chose
     * @param alreadyRedriven of those, how many an earlier redrive sent back (left alone)
     * @param sent how many this one sent (0 on a dry run)
     * @param byTopic what was or would be sent, per source topic
     */
    public record Outcome(int selected, int alreadyRedriven, int sent, Map<String, Long> byTopic) {}

    private DeadLetterRedrive() {}

    /** The ledger of what was redriven from {@code deadLetterTopic}. */
    public static String ledgerTopic(String deadLetterTopic) {
        return deadLetterTopic + ".redriven";
    }

    /**
     * Redrives the committed dead letters of {@code deadLetterTopic} that {@code which} accepts and no earlier
     * redrive sent; with {@code dryRun}, only says what it would send.
     *
     * @param clientProperties Kafka client properties; {@code bootstrap.servers} at least
     */
    public static Outcome redrive(Properties clientProperties, String deadLetterTopic, Predicate<DeadLetterReader.Letter> which,
            boolean dryRun, Duration timeout) {
        List<DeadLetterReader.Letter> selected = DeadLetterReader.readAll(clientProperties, deadLetterTopic, timeout).stream()
                .filter(which).toList();
        String ledger = ledgerTopic(deadLetterTopic);
        if (dryRun) {
            Set<String> done = ledgerExists(clientProperties, ledger, timeout) ? readLedger(clientProperties, ledger, timeout) : Set.of();
            List<DeadLetterReader.Letter> todo = selected.stream().filter(l -> !done.contains(l.coordinates())).toList();
            return new Outcome(selected.size(), selected.size() - todo.size(), 0, byTopic(todo));
        }
        createLedger(clientProperties, ledger, timeout);
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shardline-redrive-" + deadLetterTopic);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            // Fences any earlier redrive of this topic (its open transaction is aborted) before the ledger is read.
            producer.initTransactions();
            Set<String> done = readLedger(clientProperties, ledger, timeout);
            List<DeadLetterReader.Letter> todo = selected.stream().filter(l -> !done.contains(l.coordinates())).toList();
            if (!todo.isEmpty()) {
                producer.beginTransaction();
                for (DeadLetterReader.Letter l : todo) {
                    if (l.sourceTopic() == null || l.sourceTopic().isEmpty()) {
                        throw new IllegalArgumentException("dead letter " + l.coordinates() + " names no source topic: it cannot be redriven");
                    }
                    RecordHeaders headers = new RecordHeaders(l.originalHeaders());
                    headers.add(HEADER_REDRIVEN_FROM, l.coordinates().getBytes(StandardCharsets.UTF_8));
                    producer.send(new ProducerRecord<>(l.sourceTopic(), null, null, l.key(), l.value(), headers));
                    String entry = "{\"redriven-to\":\"" + l.sourceTopic() + "\",\"reason\":\"" + l.reason() + "\"}";
                    producer.send(new ProducerRecord<>(ledger, l.coordinates().getBytes(StandardCharsets.UTF_8),
                            entry.getBytes(StandardCharsets.UTF_8)));
                }
                producer.commitTransaction();
            }
            return new Outcome(selected.size(), selected.size() - todo.size(), todo.size(), byTopic(todo));
        }
    }

    private static Map<String, Long> byTopic(List<DeadLetterReader.Letter> letters) {
        Map<String, Long> m = new TreeMap<>();
        letters.forEach(l -> m.merge(String.valueOf(l.sourceTopic()), 1L, Long::sum));
        return m;
    }

    private static boolean ledgerExists(Properties clientProperties, String ledger, Duration timeout) {
        try (Admin admin = Admin.create(clientProperties)) {
            return admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(ledger);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void createLedger(Properties clientProperties, String ledger, Duration timeout) {
        try (Admin admin = Admin.create(clientProperties)) {
            admin.createTopics(List.of(new NewTopic(ledger, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the redrive ledger topic " + ledger + ": " + e.getCause().getMessage()
                        + " (create it, compacted, or let this client create topics)", e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the redrive ledger topic " + ledger + " was not created within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The coordinates the ledger holds, committed entries only. */
    static Set<String> readLedger(Properties clientProperties, String ledger, Duration timeout) {
        Set<String> done = new HashSet<>();
        DeadLetterReader.readToEnd(clientProperties, ledger, timeout, r -> done.add(new String(r.key(), StandardCharsets.UTF_8)));
        return done;
    }
}
