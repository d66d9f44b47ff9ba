package io.shardline.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.shardline.format.Modality;
import io.shardline.ingest.DecoderLimits;
import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.ingest.Ingested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The text scanner against an independent reference, Jackson's strict streaming parser with the same limits:
 * on a corpus of edge cases and on many random mutations of valid envelopes, both must accept and reject the
 * same documents, and agree on the values of the accepted ones.
 */
class TextEnvelopeScannerTest {

    static final DecoderLimits LIMITS = new DecoderLimits(1 << 20, 1 << 20, 1 << 20, 64, 6, 400, 20, 16);
    final EnvelopeDecoder decoder = new EnvelopeDecoder(LIMITS, () -> 0L);
    final JsonFactory jackson = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(LIMITS.maxJsonNestingDepth())
                    .maxStringLength(LIMITS.maxJsonStringLength())
                    .maxNumberLength(LIMITS.maxJsonNumberLength())
                    .maxNameLength(Math.min(LIMITS.maxJsonStringLength(), 50_000))
                    .build())
            .build();

    /** What Jackson makes of a text envelope: the text bytes if it is a valid one, empty if not. */
    Optional<String> reference(byte[] doc) {
        if (!Utf8.isValid(doc)) {
            return Optional.empty();
        }
        try (JsonParser p = jackson.createParser(doc)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Set<String> seen = new HashSet<>();
            String id = null;
            String source = null;
            String text = null;
            boolean time = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!seen.add(name)) {
                    return Optional.empty();
                }
                switch (name) {
                    case "id", "source", "text" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return Optional.empty();
                        }
                        String v = p.getText();
                        if (v.chars().anyMatch(c -> Character.isSurrogate((char) c))
                                && !v.codePoints().allMatch(cp -> cp > 0xffff || !Character.isSurrogate((char) cp))) {
                            return Optional.empty(); // an unpaired surrogate escape: not encodable as UTF-8
                        }
                        if (name.equals("id")) {
                            id = v;
                        } else if (name.equals("source")) {
                            source = v;
                        } else {
                            text = v;
                        }
                    }
                    case "event_time" -> {
                        if (t == JsonToken.VALUE_NUMBER_INT) {
                            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                                return Optional.empty();
                            }
                        } else if (t == JsonToken.VALUE_STRING) {
                            String s = p.getText();
                            try {
                                if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
                                    Instant.parse(s);
                                } else {
                                    Long.parseLong(s);
                                }
                            } catch (RuntimeException e) {
                                return Optional.empty();
                            }
                        } else {
                            return Optional.empty();
                        }
                        time = true;
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Optional.empty();
            }
            if (id == null || id.isEmpty() || id.length() > LIMITS.maxIdLength() || source == null || !time || text == null) {
                return Optional.empty();
            }
            return Optional.of(text);
        } catch (Exception e) { // any parser complaint means: not a valid envelope
            return Optional.empty();
        }
    }

    Optional<String> scanner(byte[] doc) {
        Ingested r = decoder.decode(Modality.TEXT, new ConsumerRecord<>("raw.text", 0, 0L, 0L, TimestampType.CREATE_TIME,
                0, doc.length, null, doc, new RecordHeaders(), Optional.empty()));
        return r.isDeadLetter() ? Optional.empty() : Optional.of(r.text().text());
    }

    void agree(byte[] doc) {
        assertThat(scanner(doc)).as("scanner vs reference on %s", new String(doc, StandardCharsets.ISO_8859_1))
                .isEqualTo(reference(doc));
    }

    static final List<String> CORPUS = List.of(
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\"}",
            " \n{ \"text\" : \"x\" , \"id\":\"a\",\"source\":\"s\",\"event_time\":\"2026-01-01T00:00:00Z\"}\t ",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"lone \\ud83d\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"bad \\x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":01,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1.5,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1e3,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":-1,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":99999999999999999999,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\"}}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":[1,2,{\"a\":[true,false,null]}]}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":[[[[[[[1]]]]]]]}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":[[[[1]]]]}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":-0.5e-7}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":-}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":tru}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":123456789012345678901234}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"id\":\"b\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":[\"x\"]}",
            "{\"id\":\"a\",\"source\":null,\"event_time\":1,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":true,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"text\":\"x\"}",
            "{}",
            "[]",
            "",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"tab\tinside\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"" + "y".repeat(401) + "\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"" + "y".repeat(400) + "\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":-0,\"text\":\"x\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":\"\\ud800\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":\"\\udc00\\ud800\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":-12345678901234567890}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"n\":\"" + "z".repeat(401) + "\"}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"" + "k".repeat(401) + "\":1}",
            "{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\",\"" + "k".repeat(400) + "\":1}",
            "\ufeff{\"id\":\"a\",\"source\":\"s\",\"event_time\":1,\"text\":\"x\"}");

    @Test
    void agreesOnEdgeCases() {
        for (String doc : CORPUS) {
            agree(doc.getBytes(StandardCharsets.UTF_8));
        }
        agree(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xc3, '"', '}'});
    }

    @Test
    void agreesOnRandomMutations() {
        byte[] alphabet = "{}[]\",:\\ 0123456789eE+-.tfnulrsa\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] odd = {0x00, 0x1f, (byte) 0xc3, (byte) 0xff, (byte) 0xe2, (byte) 0x82};
        List<byte[]> seeds = new ArrayList<>();
        for (String doc : CORPUS) {
            seeds.add(doc.getBytes(StandardCharsets.UTF_8));
        }
        SplittableRandom r = new SplittableRandom(20261126);
        for (int n = 0; n < 30_000; n++) {
            byte[] doc = seeds.get(r.nextInt(seeds.size()));
            int edits = 1 + r.nextInt(3);
            for (int e = 0; e < edits && doc.length > 0; e++) {
                int at = r.nextInt(doc.length);
                byte v = r.nextInt(10) == 0 ? odd[r.nextInt(odd.length)] : alphabet[r.nextInt(alphabet.length)];
                doc = switch (r.nextInt(3)) {
                    case 0 -> replace(doc, at, v);
                    case 1 -> insert(doc, at, v);
                    default -> delete(doc, at);
                };
            }
            agree(doc);
        }
    }

    static byte[] replace(byte[] d, int at, byte v) {
        byte[] c = d.clone();
        c[at] = v;
        return c;
    }

    static byte[] insert(byte[] d, int at, byte v) {
        byte[] c = new byte[d.length + 1];
        System.arraycopy(d, 0, c, 0, at);
        c[at] = v;
        System.arraycopy(d, at, c, at + 1, d.length - at);
        return c;
    }

    static byte[] delete(byte[] d, int at) {
        byte[] c = new byte[d.length - 1];
        System.arraycopy(d, 0, c, 0, at);
        System.arraycopy(d, at + 1, c, at, d.length - at - 1);
        return Arrays.copyOf(c, c.length);
    }
}
