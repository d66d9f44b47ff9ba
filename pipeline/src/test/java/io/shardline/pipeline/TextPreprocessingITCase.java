package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.Ingested;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.FilterReason;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.preprocess.Tokenizer;
import io.shardline.preprocess.internal.text.QualityRules;
import io.shardline.preprocess.internal.text.TextNormalizer;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.FailingMapper;
import io.shardline.testkit.ShardRows;
import io.shardline.testkit.Throttle;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Text preprocessing in the running job: normalization, quality rules, PII redaction, exact and near dedup
 * over the whole stream, the audit table of dropped documents, and tokenization packed into the token table, exactly
 * once across injected failures with the dedup state in RocksDB.
 *
 * <p>Each duplicate group (an original and its copies, some differing only in whitespace or Unicode form)
 * goes to one partition, original first: partition order is preserved up to the keyed dedup operator, so
 * which copy survives is known. Copies are spread over the whole stream, so many arrive after the injected
 * failures, when the dedup state has been restored from a checkpoint.
 */
class TextPreprocessingITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(PARALLELISM);

    static final int ORIGINALS = 6_000;
    static final int SEQUENCE_LENGTH = 64;

    static final String[] WORDS = (
            "river mountain village people morning evening window garden kitchen teacher student market winter summer"
                    + " question answer history science letter family country language picture station journey"
                    + " harvest weather forest island bridge machine engine doctor hospital library museum theatre"
                    + " walked carried opened noticed remembered believed wondered travelled finished started"
                    + " quickly slowly quietly carefully suddenly finally always never often again together")
            .split(" ");

    /** A document of a few sentences that passes Gopher's rules. */
    static String prose(SplittableRandom r) {
        StringBuilder s = new StringBuilder();
        int sentences = 8 + r.nextInt(8);
        for (int i = 0; i < sentences; i++) {
            int words = 6 + r.nextInt(8);
            for (int w = 0; w < words; w++) {
                String word = WORDS[r.nextInt(WORDS.length)];
                s.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                s.append(w == words - 1 ? ". " : " ");
            }
            if (r.nextInt(4) == 0) {
                s.append("\n");
            }
        }
        return s.toString().strip();
    }

    record Doc(String id, String text, int partition) {}

    /**
     * A job of one test: its own topics and dataset, text preprocessing as by default plus the audit table,
     * near dedup and tokenization, dedup state in RocksDB, no restarts unless the test asks for them.
     */
    static JobConfig conf(String name) {
        JobConfig c = TestJobs.conf(STACK.get(), name, STACK.dir().resolve("datasets").resolve(name).toUri().toString(), PARALLELISM);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(PreprocessOptions.KEEP_FILTERED, true);
        c.set(PreprocessOptions.TEXT_TOKENIZE, true);
        c.set(PreprocessOptions.TEXT_SEQUENCE_LENGTH, SEQUENCE_LENGTH);
        c.set(PreprocessOptions.TEXT_NEAR_DEDUP, PreprocessOptions.NearDedupMode.DROP);
        return c;
    }

    /** Sends the documents in order, a millisecond apart in Kafka timestamps, each to its partition. */
    static void produce(JobConfig c, List<Doc> stream) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            // Timestamps in stream order: near-dedup orders documents by timestamp, so a near copy, sent later,
            // is the one dropped even when it is processed first.
            long timestamp = 1_764_000_000_000L;
            for (Doc d : stream) {
                timestamp++;
                String json = "{\"id\":\"" + d.id() + "\",\"source\":\"it\",\"event_time\":1764000000000,\"text\":\""
                        + d.text().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                                .replace("\t", "\\t") + "\"}";
                producer.send(new ProducerRecord<>(c.get(IngestOptions.TEXT_TOPIC), d.partition(), timestamp,
                        d.id().getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    @Test
    void textIsCleanedFilteredRedactedAndDedupedExactlyOnceAcrossFailures() throws Exception {
        JobConfig c = conf("text-preprocess");
        TestJobs.restartOnFailure(c);

        SplittableRandom r = new SplittableRandom(11);
        List<Doc> docs = new ArrayList<>();
        Set<String> expectedIds = new HashSet<>();
        Map<String, List<String>> piiOf = new HashMap<>();
        Map<String, String> placeholderOf = new HashMap<>();
        Map<String, String> expectedReason = new HashMap<>();
        List<Doc> copies = new ArrayList<>();
        List<Doc> nearCopies = new ArrayList<>();
        for (int i = 0; i < ORIGINALS; i++) {
            String id = "doc-" + i;
            int partition = i % PARALLELISM;
            String text = prose(r);
            int kind = i % 10;
            if (kind == 0) {
                // PII in the middle of good prose: kept, redacted.
                String email = "person" + i + "@example.org";
                String phone = "+1 202 555 " + String.format("%04d", i % 10_000);
                String ip = "10." + (i % 250) + ".0." + (1 + i % 200);
                text = text + " Contact " + email + " or " + phone + " from host " + ip + ".";
                piiOf.put(id, List.of(email, phone, ip));
                placeholderOf.put(id, "<EMAIL>");
                expectedIds.add(id);
            } else if (kind == 1) {
                text = "Buy now! Limited offer."; // too few words
                expectedReason.put(id, "too-few-words");
            } else if (kind == 2) {
                text = (text.substring(0, Math.min(60, text.length())) + "\n").repeat(8); // duplicate lines
                expectedReason.put(id, "duplicate-lines");
            } else if (kind == 3) {
                StringBuilder numbers = new StringBuilder(); // mostly non-alphabetic words
                for (int w = 0; w < 80; w++) {
                    numbers.append(r.nextInt(100_000)).append(w % 9 == 0 ? " total " : " ");
                }
                text = numbers.toString();
                expectedReason.put(id, "too-few-alphabetic-words");
            } else {
                expectedIds.add(id);
                if (kind == 6) {
                    // A near copy later in the stream: one word of about 200 changed, so at most 5 of its 5-word
                    // shingles differ: Jaccard similarity about 0.95.
                    text = text + " " + prose(r);
                    int mid = text.indexOf(' ', text.length() / 2);
                    String near = text.substring(0, mid) + text.substring(mid).replaceFirst(" [a-z]+ ", " lantern ");
                    nearCopies.add(new Doc(id + "-copy-n", near, 1 - partition));
                }
                if (kind == 4 || kind == 5) {
                    // Copies later in the stream: verbatim, with messy whitespace, or decomposed Unicode.
                    String base = kind == 5 ? text + " Caf\u00e9 r\u00e9sum\u00e9." : text;
                    text = base;
                    copies.add(new Doc(id + "-copy-a", base, partition));
                    copies.add(new Doc(id + "-copy-b", "  " + base.replace(" ", "  \t") + "\r\n\r\n", partition));
                    if (kind == 5) {
                        copies.add(new Doc(id + "-copy-c", Normalizer.normalize(base, Normalizer.Form.NFD), partition));
                    }
                }
            }
            docs.add(new Doc(id, text, partition));
        }
        for (Doc copy : copies) {
            expectedReason.put(copy.id(), "exact-duplicate");
        }
        for (Doc copy : nearCopies) {
            expectedReason.put(copy.id(), "near-duplicate");
        }
        copies.addAll(nearCopies);
        // Spread the copies over the rest of the stream, each after its original (same partition, later).
        Map<Doc, Double> position = new HashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            position.put(docs.get(i), (double) i);
        }
        for (Doc copy : copies) {
            int originalAt = Integer.parseInt(copy.id().replaceAll("doc-(\\d+)-copy-.", "$1"));
            position.put(copy, originalAt + 0.5 + r.nextDouble() * (ORIGINALS - originalAt));
        }
        List<Doc> stream = new ArrayList<>(position.keySet());
        stream.sort(java.util.Comparator.comparingDouble(position::get));
        produce(c, stream);

        FailingMapper.FAILURES.set(0);
        JobConfig job = JobOptions.withDefaults(c);
        // Throttled, so that each attempt sees checkpoints complete before it reaches its failure point and the
        // second failure happens while records are still to come.
        UnaryOperator<DataStream<Ingested>> faults = s -> s.map(new Throttle<Ingested>(5))
                .returns(TypeInformation.of(Ingested.class)).name("throttle")
                .map(new FailingMapper<Ingested>(2, 600)).returns(TypeInformation.of(Ingested.class)).name("fault-injector");
        ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job).afterIngest(faults), job)
                .getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(FailingMapper.FAILURES.get()).as("injected failures").isEqualTo(2);

        Datasets.versions(c.settings()).publishNext(false);
        DatasetManifest manifest = Datasets.store(c.settings()).latest().orElseThrow();
        List<ShardRows.Row> rows = ShardRows.read(Datasets.store(c.settings()), manifest);
        Map<String, String> textById = new HashMap<>();
        Map<String, String> reasonById = new HashMap<>();
        for (ShardRows.Row row : rows) {
            if (row.shard().startsWith("shards/filtered/")) {
                assertThat(reasonById.put(row.id(), row.reason())).as("filtered row %s twice", row.id()).isNull();
            } else {
                assertThat(row.shard()).startsWith("shards/text/");
                assertThat(textById.put(row.id(), row.text())).as("row %s twice", row.id()).isNull();
            }
        }
        // The audit table holds every dropped document exactly once, with the rule that dropped it.
        Map<String, String> wrong = new java.util.TreeMap<>();
        expectedReason.forEach((id, reason) -> {
            if (!reason.equals(reasonById.get(id))) {
                wrong.put(id, "expected " + reason + ", was " + reasonById.get(id));
            }
        });
        reasonById.forEach((id, reason) -> {
            if (!expectedReason.containsKey(id)) {
                wrong.put(id, "expected to be kept, was filtered as " + reason);
            }
        });
        assertThat(wrong).as("filtered documents and reasons").isEmpty();
        assertThat(manifest.rows(io.shardline.format.ShardTable.FILTERED)).isEqualTo(expectedReason.size());
        // Exactly the originals that pass the rules; no copy, whatever its whitespace or Unicode form.
        Set<String> missing = new HashSet<>(expectedIds);
        missing.removeAll(textById.keySet());
        Set<String> extra = new HashSet<>(textById.keySet());
        extra.removeAll(expectedIds);
        assertThat(missing).as("documents that should have reached the shards").isEmpty();
        assertThat(extra).as("documents that should have been filtered or deduplicated").isEmpty();
        for (Map.Entry<String, String> e : textById.entrySet()) {
            String text = e.getValue();
            assertThat(Normalizer.isNormalized(text, Normalizer.Form.NFC)).as("%s is NFC", e.getKey()).isTrue();
            assertThat(text).as("%s has normalized whitespace", e.getKey()).doesNotContain("  ", "\t", "\r").isEqualTo(text.strip());
            for (String pii : piiOf.getOrDefault(e.getKey(), List.of())) {
                assertThat(text).as("%s is redacted", e.getKey()).doesNotContain(pii);
            }
            if (placeholderOf.containsKey(e.getKey())) {
                assertThat(text).contains("<EMAIL>", "<PHONE>", "<IPV4>");
            }
        }

        // The token table: the kept documents, each tokenized once, packed into full rows (but the last of each
        // subtask); the same count of tokens as encoding the documents here gives, so nothing lost or doubled.
        Tokenizer tokenizer = Tokenizer.create("cl100k_base");
        long expectedTokens = 0;
        for (String text : textById.values()) {
            expectedTokens += tokenizer.encodeDocument(text).length;
        }
        List<ShardRows.Sequence> sequences = ShardRows.readTokens(Datasets.store(c.settings()), manifest);
        assertThat(sequences.stream().mapToLong(q -> q.tokens().length).sum()).isEqualTo(expectedTokens);
        assertThat(sequences.stream().filter(q -> q.tokens().length != SEQUENCE_LENGTH).count()).isLessThanOrEqualTo(PARALLELISM);
        assertThat(sequences.stream().map(ShardRows.Sequence::id).distinct().count()).isEqualTo(sequences.size());
        assertThat(sequences).allSatisfy(q -> assertThat(q.encoding()).isEqualTo("cl100k_base"));
        Set<String> packedDocs = new HashSet<>();
        sequences.forEach(q -> packedDocs.addAll(q.documentIds()));
        assertThat(packedDocs).isEqualTo(textById.keySet());
        long endOfTexts = sequences.stream().flatMapToInt(q -> java.util.Arrays.stream(q.tokens()))
                .filter(t -> t == tokenizer.endOfText()).count();
        assertThat(endOfTexts).isEqualTo(textById.size());
    }

    /**
     * Real text the project did not write (the US Declaration of Independence and Constitution, public domain,
     * from a Debian package: see {@code real-data/text/PROVENANCE.md}) cut into documents of whole
     * paragraphs, with short fragments, an exact copy differing only in line endings and spaces, and a near
     * copy with one word changed. What reaches the shards is what the rules say, normalized; the copies and
     * fragments are in the audit table with their reasons; the token table holds every kept document's tokens.
     */
    @Test
    void realTextGoesThroughEveryStep() throws Exception {
        JobConfig c = conf("real-text");
        List<Doc> stream = new ArrayList<>();
        Map<String, String> expectedText = new HashMap<>();
        Map<String, String> expectedReason = new HashMap<>();
        int n = 0;
        for (String file : List.of("us-declaration.txt", "us-constitution.txt")) {
            String content;
            try (var in = TextPreprocessingITCase.class.getResourceAsStream("/real-data/text/" + file)) {
                content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            StringBuilder chunk = new StringBuilder();
            for (String paragraph : content.split("\n\\s*\n")) {
                String para = paragraph.strip();
                if (para.isEmpty()) {
                    continue;
                }
                if (para.split("\\s+").length < 8) {
                    Doc fragment = new Doc("fragment-" + n++, para, n % PARALLELISM);
                    stream.add(fragment);
                    expectedReason.put(fragment.id(), "too-few-words");
                    continue;
                }
                chunk.append(chunk.length() == 0 ? "" : "\n\n").append(para);
                if (chunk.toString().split("\\s+").length >= 120) {
                    Doc doc = new Doc(file.replace(".txt", "") + "-" + n++, chunk.toString(), n % PARALLELISM);
                    stream.add(doc);
                    String normalized = TextNormalizer.normalize(doc.text());
                    FilterReason failed = QualityRules.GOPHER.check(normalized);
                    if (failed == null) {
                        expectedText.put(doc.id(), normalized);
                    } else {
                        expectedReason.put(doc.id(), failed.code());
                    }
                    chunk.setLength(0);
                }
            }
        }
        assertThat(expectedText).as("documents of real text that pass the rules").hasSizeGreaterThan(20);
        Doc first = stream.stream().filter(d -> expectedText.containsKey(d.id())).findFirst().orElseThrow();
        // Exact dedup keeps the copy that arrives first: the same partition as the original makes that the original.
        Doc exact = new Doc("exact-copy", "  " + first.text().replace("\n", " \r\n").replace(". ", ".  "), first.partition());
        Doc last = stream.stream().filter(d -> expectedText.containsKey(d.id())).reduce((x, y) -> y).orElseThrow();
        Doc near = new Doc("near-copy", last.text().replaceFirst("\\bthe\\b", "a"), 1 - last.partition());
        assertThat(near.text()).isNotEqualTo(last.text());
        stream.add(exact);
        stream.add(near);
        expectedReason.put(exact.id(), "exact-duplicate");
        expectedReason.put(near.id(), "near-duplicate");
        produce(c, stream);

        JobConfig job = JobOptions.withDefaults(c);
        ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job), job).getJobExecutionResult()
                .get(5, TimeUnit.MINUTES);
        Datasets.versions(c.settings()).publishNext(false);
        DatasetManifest manifest = Datasets.store(c.settings()).latest().orElseThrow();

        Map<String, String> kept = new HashMap<>();
        Map<String, String> filtered = new HashMap<>();
        for (ShardRows.Row row : ShardRows.read(Datasets.store(c.settings()), manifest)) {
            if (row.shard().startsWith("shards/filtered/")) {
                filtered.put(row.id(), row.reason());
            } else {
                kept.put(row.id(), row.text());
            }
        }
        assertThat(kept).isEqualTo(expectedText);
        assertThat(filtered).isEqualTo(expectedReason);

        Tokenizer tokenizer = Tokenizer.create("cl100k_base");
        long expectedTokens = expectedText.values().stream().mapToLong(t -> tokenizer.encodeDocument(t).length).sum();
        List<ShardRows.Sequence> sequences = ShardRows.readTokens(Datasets.store(c.settings()), manifest);
        assertThat(sequences.stream().mapToLong(q -> q.tokens().length).sum()).isEqualTo(expectedTokens);
        // A document that starts a row and fits in it decodes back to its text.
        for (ShardRows.Sequence q : sequences) {
            String firstId = q.id().substring(0, q.id().lastIndexOf('@'));
            int[] tokens = tokenizer.encodeDocument(expectedText.get(firstId));
            if (q.id().endsWith("@0") && tokens.length <= q.tokens().length) {
                int[] head = java.util.Arrays.copyOf(q.tokens(), tokens.length - 1);
                assertThat(tokenizer.decode(head)).isEqualTo(expectedText.get(firstId));
            }
        }
    }
}
