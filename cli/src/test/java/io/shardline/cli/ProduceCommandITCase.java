package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.Modality;
import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.Ingested;
import io.shardline.localstack.SyntheticImages;
import io.shardline.testkit.KafkaBroker;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code shardline produce} against an in-JVM broker: every file kind becomes the records the job's decoder
 * reads (decoded here with the job's own decoder), in file order, images with their folder as label.
 */
class ProduceCommandITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(1, List.of("raw.text", "raw.image", "raw.sensor"));

    static List<Ingested> produceAndDecode(Modality m, String... args) {
        return produceAndDecode(m, new ArrayList<>(), args);
    }

    /** Produces, then decodes what reached the topic since {@code from}; {@code keys} gets the records' keys. */
    static List<Ingested> produceAndDecode(Modality m, List<String> keys, String... args) {
        String topic = "raw." + m.id();
        Map<String, Object> c = new java.util.HashMap<>(KAFKA.get().clientConfig());
        long from;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            from = consumer.endOffsets(List.of(tp)).get(tp);
        }
        List<String> all = new ArrayList<>(List.of("produce", m.id()));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", "shardline.ingest.bootstrap-servers=" + KAFKA.get().bootstrapServers(), "--source", "test"));
        assertThat(new CommandLine(new Main()).execute(all.toArray(String[]::new))).isZero();
        EnvelopeDecoder decoder = new EnvelopeDecoder(IngestOptions.limits(io.shardline.config.Settings.empty()));
        List<Ingested> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    out.add(decoder.decode(m, r));
                    keys.add(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Test
    void textFilesJsonLinesAndCsvBecomeTextRecords() throws Exception {
        Path dir = Files.createDirectories(KAFKA.dir().resolve("text"));
        Files.writeString(dir.resolve("a.jsonl"), "{\"id\":\"j1\",\"source\":\"s\",\"event_time\":1764000000000,\"text\":\"first line\"}\n\n"
                + "{\"id\":\"j2\",\"source\":\"s\",\"event_time\":\"2026-11-26T07:00:00Z\",\"text\":\"second\"}\n");
        Files.writeString(dir.resolve("b.csv"), "id,event_time,text\nc1,1764000000001,\"quoted, with a comma and \"\"quotes\"\"\"\n");
        Files.writeString(dir.resolve("c.txt"), "A whole file is one document.");
        List<Ingested> records = produceAndDecode(Modality.TEXT, dir.toString());
        assertThat(records).noneMatch(Ingested::isDeadLetter);
        assertThat(records).extracting(r -> r.text().id()).containsExactly("j1", "j2", "c1", "c");
        assertThat(new String(records.get(2).text().textUtf8(), StandardCharsets.UTF_8)).isEqualTo("quoted, with a comma and \"quotes\"");
        assertThat(records.get(2).text().eventTime()).isEqualTo(1_764_000_000_001L);
        assertThat(records.get(3).text().source()).isEqualTo("test");
    }

    @Test
    void imageFoldersBecomeImageRecordsLabelledByFolder() throws Exception {
        for (String label : List.of("cat", "dog")) {
            Path d = Files.createDirectories(KAFKA.dir().resolve("images").resolve(label));
            Files.write(d.resolve(label + "-1.png"), SyntheticImages.encode(SyntheticImages.solid(8, 8, Color.BLACK), "png"));
            Files.writeString(d.resolve("notes.md"), "not an image");
        }
        List<Ingested> records = produceAndDecode(Modality.IMAGE, KAFKA.dir().resolve("images").toString(), "--label-from-folder");
        assertThat(records).noneMatch(Ingested::isDeadLetter);
        assertThat(records).extracting(r -> r.image().id() + ":" + r.image().label()).containsExactly("cat-1:cat", "dog-1:dog");
    }

    @Test
    void sensorCsvColumnsBecomeChannels() throws Exception {
        Path csv = Files.writeString(KAFKA.dir().resolve("readings.csv"), "device_id,event_time,temperature,humidity\n"
                + "press-3,1764000000000,21.5,0.41\npress-3,1764000060000,21.7,0.40\n");
        List<Ingested> records = produceAndDecode(Modality.SENSOR, csv.toString());
        assertThat(records).hasSize(2).noneMatch(Ingested::isDeadLetter);
        assertThat(records.get(1).sensor().deviceId()).isEqualTo("press-3");
        assertThat(records.get(1).sensor().eventTime()).isEqualTo(1_764_000_060_000L);
    }

    @Test
    void sensorRecordsAreKeyedByDevice() throws Exception {
        Path dir = Files.createDirectories(KAFKA.dir().resolve("devices"));
        Files.writeString(dir.resolve("a.csv"), "id,device_id,event_time,temperature\nr1,pump-1,1764000000000,20.0\n"
                + "r2,pump-2,1764000001000,21.0\nr3,,1764000002000,22.0\n");
        Files.writeString(dir.resolve("b.jsonl"), "{\"id\":\"j1\",\"device_id\":\"pump-2\",\"event_time\":1764000003000,"
                + "\"readings\":{\"temperature\":23.0}}\n{\"id\":\"j2\",\"event_time\":1764000004000,\"readings\":{}}\nnot json\n");
        List<String> keys = new ArrayList<>();
        List<Ingested> records = produceAndDecode(Modality.SENSOR, keys, dir.toString());
        assertThat(records).hasSize(6);
        // By device where there is one (a device's readings stay in one partition, in order); else the record id
        // (CSV) or nothing (a JSON line without a device, or one that is not JSON, which the job dead-letters).
        assertThat(keys).containsExactly("pump-1", "pump-2", "r3", "pump-2", null, null);
    }

    @Test
    void filesOverTheTopicsLimitAreNamedTheRestPublishedAndTheExitCodeSaysSo() throws Exception {
        String topic = "small.image";
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(KAFKA.get().clientConfig())) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "100000")))).all().get();
        }
        Path dir = Files.createDirectories(KAFKA.dir().resolve("sized"));
        byte[] small = io.shardline.localstack.SyntheticImages.encode(io.shardline.localstack.SyntheticImages.photo(64, 48, 1), "jpeg");
        Files.write(dir.resolve("a-small.jpg"), small);
        byte[] big = java.util.Arrays.copyOf(small, 300_000); // a JPEG's bytes padded out: 300 KB
        Files.write(dir.resolve("b-big.jpg"), big);
        Files.write(dir.resolve("c-small.jpg"), small);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new Main()).execute("produce", "image", dir.toString(), "--set",
                    "shardline.ingest.bootstrap-servers=" + KAFKA.get().bootstrapServers(), "--set", "shardline.ingest.image.topic=" + topic);
        } finally {
            System.setOut(before);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        before.print(printed);
        assertThat(code).isEqualTo(1);
        assertThat(printed).contains("Published 2 records").contains("b-big.jpg").contains("over the topic's limit of")
                .doesNotContain("a-small.jpg:").doesNotContain("c-small.jpg:");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.get().clientConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).as("records on the topic").isEqualTo(2);
        }
    }
}
