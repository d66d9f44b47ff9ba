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
        List<String> all = new ArrayList<>(List.of("produce", m.id()));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", "shardline.ingest.bootstrap-servers=" + KAFKA.get().bootstrapServers(), "--source", "test"));
        assertThat(new CommandLine(new Main()).execute(all.toArray(String[]::new))).isZero();
        String topic = "raw." + m.id();
        EnvelopeDecoder decoder = new EnvelopeDecoder(IngestOptions.limits(io.shardline.config.Settings.empty()));
        List<Ingested> out = new ArrayList<>();
        Map<String, Object> c = new java.util.HashMap<>(KAFKA.get().clientConfig());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    out.add(decoder.decode(m, r));
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
}
