package io.shardline.pipeline;

import static io.shardline.localstack.SyntheticImages.encode;
import static io.shardline.localstack.SyntheticImages.photo;
import static io.shardline.localstack.SyntheticImages.pngDeclaring;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.Ingested;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.preprocess.internal.image.ImageTransform;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.FailingMapper;
import io.shardline.testkit.ShardRows;
import io.shardline.testkit.Throttle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Image preprocessing in the running job: good pictures, generated and real (two public-domain photographs),
 * are resized and re-encoded with their sizes and hashes in the image table; a PNG declaring 100,000 x 100,000 pixels, a truncated JPEG and bytes that are
 * no image are refused with their reasons; a re-encoded copy of an earlier picture is dropped as a near
 * duplicate, also when the job restarts from a checkpoint between the original and its copy (two injected
 * failures: the hash buckets come back from state).
 */
class ImagePreprocessingITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(PARALLELISM);

    record Img(String id, byte[] bytes, String contentType, int partition) {}

    @Test
    void imagesAreCheckedDecodedResizedHashedAndDeduplicated() throws Exception {
        JobConfig c = TestJobs.conf(STACK.get(), "images", STACK.dir().resolve("datasets").resolve("images").toUri().toString(), PARALLELISM);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        TestJobs.restartOnFailure(c);
        c.set(PreprocessOptions.KEEP_FILTERED, true);
        c.set(PreprocessOptions.IMAGE_NEAR_DEDUP, true);
        c.set(PreprocessOptions.IMAGE_SHORTER_SIDE, 64);

        List<Img> images = new ArrayList<>();
        Map<String, int[]> expectedSize = new HashMap<>();
        Map<String, String> expectedReason = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            int w = 160 + 8 * i;
            int h = 120 + 4 * (i % 7);
            BufferedImage pic = photo(w, h, 100 + i);
            boolean asPng = i % 2 == 0;
            images.add(new Img("pic-" + i, asPng ? encode(pic, "png") : ImageTransform.encodeJpeg(pic, 0.9f),
                    asPng ? EnvelopeDecoder.PNG : EnvelopeDecoder.JPEG, i % 2));
            int shorter = Math.min(w, h);
            expectedSize.put("pic-" + i, new int[] {Math.round(w * 64f / shorter), Math.round(h * 64f / shorter)});
            if (i % 5 == 0) {
                // A copy of the same picture re-encoded as JPEG: a near duplicate, sent later.
                images.add(new Img("pic-" + i + "-recompressed", ImageTransform.encodeJpeg(pic, 0.85f), EnvelopeDecoder.JPEG, 1 - i % 2));
                expectedReason.put("pic-" + i + "-recompressed", "near-duplicate");
            }
        }
        // Real photographs (see real-data/images/PROVENANCE.md): a PNG and a JPEG with an EXIF segment.
        for (String file : List.of("chelsea.png", "hubble_deep_field.jpg")) {
            byte[] bytes;
            try (var in = ImagePreprocessingITCase.class.getResourceAsStream("/real-data/images/" + file)) {
                bytes = in.readAllBytes();
            }
            BufferedImage original = ImageIO.read(new ByteArrayInputStream(bytes));
            int shorter = Math.min(original.getWidth(), original.getHeight());
            images.add(new Img(file, bytes, file.endsWith(".png") ? EnvelopeDecoder.PNG : EnvelopeDecoder.JPEG, 0));
            expectedSize.put(file, new int[] {Math.round(original.getWidth() * 64f / shorter), Math.round(original.getHeight() * 64f / shorter)});
        }
        images.add(new Img("bomb", pngDeclaring(100_000, 100_000), EnvelopeDecoder.PNG, 0));
        expectedReason.put("bomb", "image-too-many-pixels");
        byte[] whole = ImageTransform.encodeJpeg(photo(400, 300, 7), 0.9f);
        images.add(new Img("truncated", Arrays.copyOf(whole, whole.length / 2), EnvelopeDecoder.JPEG, 1));
        expectedReason.put("truncated", "image-undecodable");
        byte[] notAnImage = encode(photo(50, 50, 8), "png");
        Arrays.fill(notAnImage, 33, notAnImage.length, (byte) 7); // the PNG signature and header, then garbage
        images.add(new Img("garbage", notAnImage, EnvelopeDecoder.PNG, 0));
        expectedReason.put("garbage", "image-undecodable");

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long timestamp = 1_764_000_000_000L;
            for (Img img : images) {
                RecordHeaders h = new RecordHeaders();
                h.add(EnvelopeDecoder.HEADER_ID, img.id().getBytes(StandardCharsets.UTF_8));
                h.add(EnvelopeDecoder.HEADER_SOURCE, "it".getBytes(StandardCharsets.UTF_8));
                h.add(EnvelopeDecoder.HEADER_CONTENT_TYPE, img.contentType().getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(c.get(IngestOptions.IMAGE_TOPIC), img.partition(), ++timestamp,
                        img.id().getBytes(StandardCharsets.UTF_8), img.bytes(), h));
            }
            producer.flush();
        }

        FailingMapper.FAILURES.set(0);
        JobConfig job = JobOptions.withDefaults(c);
        // About 27 images per subtask at 40 ms each: checkpoints complete mid-stream, the first failure comes
        // after a few images and the second, after the restore, still has images to come.
        UnaryOperator<DataStream<Ingested>> faults = s -> s.map(new Throttle<Ingested>(1, 40))
                .returns(TypeInformation.of(Ingested.class)).name("throttle")
                .map(new FailingMapper<Ingested>(2, 5)).returns(TypeInformation.of(Ingested.class)).name("fault-injector");
        ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job).afterIngest(faults), job)
                .getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(FailingMapper.FAILURES.get()).as("injected failures").isEqualTo(2);
        Datasets.versions(c.settings()).publishNext(false);
        DatasetStore store = Datasets.store(c.settings());
        DatasetManifest manifest = store.latest().orElseThrow();

        Map<String, String> filtered = new HashMap<>();
        for (ShardRows.Row row : ShardRows.read(store, manifest)) {
            if (row.shard().startsWith("shards/filtered/")) {
                assertThat(filtered.put(row.id(), row.reason())).as("filtered row %s twice", row.id()).isNull();
            }
        }
        assertThat(filtered).isEqualTo(expectedReason);

        Map<String, String> arrivedAs = new HashMap<>();
        images.forEach(img -> arrivedAs.put(img.id(), img.contentType()));
        assertThat(arrivedAs).containsValue(EnvelopeDecoder.PNG);
        Map<String, Group> kept = new HashMap<>();
        for (Group g : ShardRows.groups(store, manifest, ShardTable.IMAGE)) {
            assertThat(kept.put(g.getString(ShardSchemas.ID, 0), g)).as("image row twice").isNull();
        }
        assertThat(kept.keySet()).isEqualTo(expectedSize.keySet());
        for (Map.Entry<String, Group> e : kept.entrySet()) {
            Group g = e.getValue();
            int[] size = expectedSize.get(e.getKey());
            assertThat(g.getString(ShardSchemas.IMAGE_FORMAT, 0)).isEqualTo("image/jpeg");
            // The format it arrived in stays beside the one it is stored in: a PNG re-encoded says so.
            assertThat(g.getString(ShardSchemas.CONTENT_TYPE, 0)).as("content type of %s", e.getKey())
                    .isEqualTo(arrivedAs.get(e.getKey()));
            assertThat(g.getInteger(ShardSchemas.WIDTH, 0)).as("width of %s", e.getKey()).isEqualTo(size[0]);
            assertThat(g.getInteger(ShardSchemas.HEIGHT, 0)).as("height of %s", e.getKey()).isEqualTo(size[1]);
            assertThat(g.getFieldRepetitionCount(ShardSchemas.DHASH)).isEqualTo(1);
            BufferedImage stored = ImageIO.read(new ByteArrayInputStream(g.getBinary(ShardSchemas.IMAGE, 0).getBytes()));
            assertThat(stored.getWidth()).isEqualTo(size[0]);
            assertThat(stored.getHeight()).isEqualTo(size[1]);
        }
    }
}
