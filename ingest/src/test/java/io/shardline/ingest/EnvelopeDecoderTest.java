package io.shardline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.Modality;
import io.shardline.ingest.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EnvelopeDecoderTest {

    static final DecoderLimits LIMITS = new DecoderLimits(1024, 4096, 1024, 16, 8, 512, 20, 4);
    final EnvelopeDecoder decoder = new EnvelopeDecoder(LIMITS, () -> 42L);

    static ConsumerRecord<byte[], byte[]> record(String topic, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 3, 17L, 1_000L, TimestampType.CREATE_TIME, 0, value == null ? 0 : value.length,
                "k".getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    static ConsumerRecord<byte[], byte[]> json(String topic, String value) {
        return record(topic, value.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    }

    Ingested text(String json) {
        return decoder.decode(Modality.TEXT, json("raw.text", json));
    }

    static String reason(Ingested r) {
        assertThat(r.deadLetter()).as("expected a dead letter, got %s", r).isNotNull();
        return r.deadLetter().reason();
    }

    @Test
    void decodesTextWithProvenance() {
        Ingested r = text("{\"id\":\"t1\",\"source\":\"wiki\",\"event_time\":1700000000000,\"text\":\"héllo\",\"extra\":[1,{\"a\":2}]}");
        assertThat(r.isDeadLetter()).isFalse();
        TextSample s = r.text();
        assertThat(s.id()).isEqualTo("t1");
        assertThat(s.source()).isEqualTo("wiki");
        assertThat(s.eventTime()).isEqualTo(1_700_000_000_000L);
        assertThat(s.text()).isEqualTo("héllo");
        assertThat(s.ref()).isEqualTo(new SourceRef("raw.text", 3, 17L, 1_000L));
        assertThat(s.ingestTime()).isEqualTo(42L);
    }

    @Test
    void keepsTextBytesAndResolvesEscapes() {
        Ingested plain = text("{\"id\":\"t1\",\"source\":\"s\",\"event_time\":1,\"text\":\"naïve café 日本\"}");
        assertThat(plain.text().textUtf8()).isEqualTo("naïve café 日本".getBytes(StandardCharsets.UTF_8));
        Ingested escaped = text("{\"id\":\"t1\",\"source\":\"s\",\"event_time\":1,\"text\":\"a\\\"b\\nc\\u00e9\"}");
        assertThat(escaped.text().text()).isEqualTo("a\"b\nc\u00e9");
        Ingested leading = text("  {\"text\" : \"first\", \"id\":\"t1\",\"source\":\"s\",\"event_time\":1}");
        assertThat(leading.text().text()).isEqualTo("first");
        // A raw control character inside a string is invalid JSON, whichever path reads the string.
        assertThat(reason(text("{\"id\":\"t1\",\"source\":\"s\",\"event_time\":1,\"text\":\"a\u0001b\"}")))
                .isEqualTo("malformed-json");
        assertThat(reason(text("{\"id\":\"t1\",\"source\":\"s\",\"event_time\":1,\"text\":\"abc")))
                .isEqualTo("malformed-json");
    }

    @Test
    void acceptsIsoEventTime() {
        Ingested r = text("{\"id\":\"t1\",\"source\":\"s\",\"event_time\":\"2026-01-02T03:04:05.006Z\",\"text\":\"x\"}");
        assertThat(r.text().eventTime()).isEqualTo(java.time.Instant.parse("2026-01-02T03:04:05.006Z").toEpochMilli());
    }

    @Test
    void rejectsEachMalformedKindWithItsReason() {
        assertThat(reason(text("{\"id\":\"t1\",\"source\":\"s\",\"event_time\":1}"))).isEqualTo("missing-field");
        assertThat(reason(text("{\"id\":5,\"source\":\"s\",\"event_time\":1,\"text\":\"x\"}"))).isEqualTo("wrong-type");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":\"yesterday\",\"text\":\"x\"}"))).isEqualTo("invalid-value");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":-5,\"text\":\"x\"}"))).isEqualTo("invalid-value");
        assertThat(reason(text("{\"id\":\"\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\"}"))).isEqualTo("invalid-value");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\""))).isEqualTo("malformed-json");
        assertThat(reason(text("[1,2]"))).isEqualTo("malformed-json");
        assertThat(reason(text("{\"id\":\"t\",\"id\":\"u\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\"}"))).isEqualTo("malformed-json");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\"} {}"))).isEqualTo("malformed-json");
        assertThat(reason(text("not json"))).isEqualTo("malformed-json");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bad = "{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"\u00ff\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        Ingested r = decoder.decode(Modality.TEXT, record("raw.text", bad, new RecordHeaders()));
        assertThat(reason(r)).isEqualTo("invalid-utf8");
        assertThat(r.deadLetter().value()).isEqualTo(bad);
        // Overlong encoding of '/' and a lone surrogate are invalid too.
        assertThat(Utf8.isValid(new byte[] {(byte) 0xc0, (byte) 0xaf})).isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isFalse();
        assertThat(Utf8.isValid("日本語 ok 🎉".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void enforcesSizeAndParserLimits() {
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"" + "x".repeat(1100) + "\"}")))
                .isEqualTo("record-too-large");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"deep\":"
                + "[".repeat(20) + "]".repeat(20) + "}"))).isEqualTo("json-limit-exceeded");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":"
                + "9".repeat(50) + "}"))).isEqualTo("json-limit-exceeded");
        assertThat(reason(text("{\"id\":\"t\",\"source\":\"s\",\"event_time\":1,\"text\":\"" + "y".repeat(600) + "\"}")))
                .isEqualTo("json-limit-exceeded");
        assertThat(reason(decoder.decode(Modality.TEXT, record("raw.text", null, new RecordHeaders()))))
                .isEqualTo("empty-value");
    }

    @Test
    void decodesSensorReadingsInOrder() {
        Ingested r = decoder.decode(Modality.SENSOR, json("raw.sensor",
                "{\"id\":\"s1\",\"source\":\"plant\",\"event_time\":5,\"device_id\":\"d7\",\"readings\":{\"temp\":21.5,\"rh\":40}}"));
        SensorSample s = r.sensor();
        assertThat(s.deviceId()).isEqualTo("d7");
        assertThat(s.channels()).containsExactly("temp", "rh");
        assertThat(s.values()).containsExactly(21.5, 40.0);
    }

    @Test
    void rejectsBadSensorReadings() {
        String head = "{\"id\":\"s1\",\"source\":\"p\",\"event_time\":5,\"device_id\":\"d\",\"readings\":";
        assertThat(reason(decoder.decode(Modality.SENSOR, json("raw.sensor", head + "{\"a\":\"x\"}}")))).isEqualTo("wrong-type");
        assertThat(reason(decoder.decode(Modality.SENSOR, json("raw.sensor", head + "[1]}")))).isEqualTo("wrong-type");
        assertThat(reason(decoder.decode(Modality.SENSOR, json("raw.sensor", head + "{}}")))).isEqualTo("invalid-value");
        assertThat(reason(decoder.decode(Modality.SENSOR, json("raw.sensor",
                head + "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}}")))).isEqualTo("invalid-value");
        assertThat(reason(decoder.decode(Modality.SENSOR, json("raw.sensor",
                "{\"id\":\"s1\",\"source\":\"p\",\"event_time\":5,\"readings\":{\"a\":1}}")))).isEqualTo("missing-field");
    }

    static RecordHeaders imageHeaders(String contentType) {
        RecordHeaders h = new RecordHeaders();
        h.add("id", "img-1".getBytes(StandardCharsets.UTF_8));
        h.add("source", "cam".getBytes(StandardCharsets.UTF_8));
        if (contentType != null) {
            h.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};

    @Test
    void decodesImagesAndChecksTheirSignature() {
        RecordHeaders h = imageHeaders("image/png");
        h.add("label", "cat".getBytes(StandardCharsets.UTF_8));
        Ingested ok = decoder.decode(Modality.IMAGE, record("raw.image", PNG, h));
        assertThat(ok.image().label()).isEqualTo("cat");
        assertThat(ok.image().eventTime()).isEqualTo(1_000L); // the Kafka timestamp when no event-time header
        assertThat(ok.image().data()).isEqualTo(PNG);

        assertThat(reason(decoder.decode(Modality.IMAGE, record("raw.image", PNG, imageHeaders("image/jpeg")))))
                .isEqualTo("content-type-mismatch");
        assertThat(reason(decoder.decode(Modality.IMAGE, record("raw.image", PNG, imageHeaders("image/gif")))))
                .isEqualTo("unknown-content-type");
        assertThat(reason(decoder.decode(Modality.IMAGE, record("raw.image", PNG, imageHeaders(null)))))
                .isEqualTo("missing-header");
        assertThat(reason(decoder.decode(Modality.IMAGE, record("raw.image", new byte[5000], imageHeaders("image/png")))))
                .isEqualTo("record-too-large");
    }

    @Test
    void deadLettersKeepRawBytesAndHeaders() {
        RecordHeaders h = imageHeaders("image/gif");
        Ingested r = decoder.decode(Modality.IMAGE, record("raw.image", PNG, h));
        DeadLetter d = r.deadLetter();
        assertThat(d.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(d.value()).isEqualTo(PNG);
        assertThat(d.headerKeys()).containsExactly("id", "source", "content-type");
        assertThat(d.ref()).isEqualTo(new SourceRef("raw.image", 3, 17L, 1_000L));
        assertThat(d.errorMessage()).contains("image/gif");
        assertThat(r.modality()).isEqualTo(Modality.IMAGE);
    }

    @Test
    void unmappedTopicIsADeadLetter() {
        assertThat(reason(decoder.decode(null, json("other", "{}")))).isEqualTo("unknown-topic");
    }
}
