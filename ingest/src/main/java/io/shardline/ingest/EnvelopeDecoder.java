package io.shardline.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.shardline.format.Modality;
import io.shardline.ingest.internal.TextEnvelopeScanner;
import io.shardline.ingest.internal.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns raw Kafka records into samples or dead letters. Never throws for bad input: every way a record can be
 * wrong maps to a {@link DeadLetterReason}. See the README's "Record formats" for the accepted envelopes.
 *
 * <p>Text envelopes, the bulk of the traffic, go through a dedicated single-pass scanner
 * ({@link TextEnvelopeScanner}); sensor envelopes through Jackson's streaming parser. Not thread-safe: one
 * instance per source reader, used by its task thread.
 */
public final class EnvelopeDecoder {

    public static final String FIELD_ID = "id";
    public static final String FIELD_SOURCE = "source";
    public static final String FIELD_EVENT_TIME = "event_time";
    public static final String FIELD_TEXT = "text";
    public static final String FIELD_DEVICE_ID = "device_id";
    public static final String FIELD_READINGS = "readings";

    public static final String HEADER_ID = "id";
    public static final String HEADER_SOURCE = "source";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String HEADER_LABEL = "label";
    public static final String HEADER_EVENT_TIME = "event-time";

    public static final String JPEG = "image/jpeg";
    public static final String PNG = "image/png";

    private static final byte[] JPEG_MAGIC = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final DecoderLimits limits;
    private final JsonFactory json;
    private final LongSupplier clock;
    private final TextEnvelopeScanner text;

    public EnvelopeDecoder(DecoderLimits limits) {
        this(limits, System::currentTimeMillis);
    }

    /** @param clock source of the ingest time stamped on each sample */
    public EnvelopeDecoder(DecoderLimits limits, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
        this.text = new TextEnvelopeScanner(limits);
        this.json = JsonFactory.builder()
                // One decoder per source reader, used by the task thread only: recycle parser buffers per thread.
                .recyclerPool(JsonRecyclerPools.threadLocalPool())
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(Math.max(limits.maxTextBytes(), limits.maxSensorBytes()))
                        .maxNestingDepth(limits.maxJsonNestingDepth())
                        .maxStringLength(limits.maxJsonStringLength())
                        .maxNumberLength(limits.maxJsonNumberLength())
                        .maxNameLength(Math.min(limits.maxJsonStringLength(), 50_000))
                        .build())
                .build();
        json.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /** Decodes one record of the given modality. */
    public Ingested decode(Modality modality, ConsumerRecord<byte[], byte[]> record) {
        SourceRef ref = new SourceRef(record.topic(), record.partition(), record.offset(), record.timestamp());
        try {
            if (modality == null) {
                throw new Rejected(DeadLetterReason.UNKNOWN_TOPIC,
                        "topic '" + record.topic() + "' is mapped to no modality");
            }
            byte[] value = record.value();
            if (value == null || value.length == 0) {
                throw new Rejected(DeadLetterReason.EMPTY_VALUE, "the record has no value");
            }
            int max = switch (modality) {
                case TEXT -> limits.maxTextBytes();
                case IMAGE -> limits.maxImageBytes();
                case SENSOR -> limits.maxSensorBytes();
            };
            if (value.length > max) {
                throw new Rejected(DeadLetterReason.RECORD_TOO_LARGE,
                        "value is " + value.length + " bytes, the " + modality.id() + " limit is " + max);
            }
            return switch (modality) {
                case TEXT -> Ingested.of(decodeText(value, ref));
                case IMAGE -> Ingested.of(decodeImage(record, value, ref));
                case SENSOR -> Ingested.of(decodeSensor(value, ref));
            };
        } catch (Rejected r) {
            return Ingested.of(modality, deadLetter(record, ref, r.reason, Rejected.class.getName(), r.getMessage()));
        } catch (StreamConstraintsException e) {
            return Ingested.of(modality, deadLetter(record, ref, DeadLetterReason.JSON_LIMIT_EXCEEDED,
                    e.getClass().getName(), e.getOriginalMessage()));
        } catch (JsonParseException e) {
            return Ingested.of(modality, deadLetter(record, ref, DeadLetterReason.MALFORMED_JSON,
                    e.getClass().getName(), e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            // Deliberately broad: whatever a hostile record provokes in a parser must not escape the
            // deserializer, or the record becomes a poison pill that restarts the job forever.
            return Ingested.of(modality, deadLetter(record, ref, DeadLetterReason.MALFORMED_JSON,
                    e.getClass().getName(), String.valueOf(e.getMessage())));
        }
    }

    private TextSample decodeText(byte[] value, SourceRef ref) {
        try {
            text.scan(value);
        } catch (Rejected r) {
            // Invalid UTF-8 anywhere outranks whatever else is wrong, as for the other envelopes.
            if (r.reason != DeadLetterReason.INVALID_UTF8 && !Utf8.isValid(value)) {
                throw new Rejected(DeadLetterReason.INVALID_UTF8, "the value is not valid UTF-8");
            }
            throw r;
        }
        require(text.id, FIELD_ID);
        require(text.source, FIELD_SOURCE);
        if (!text.hasEventTime) {
            throw new Rejected(DeadLetterReason.MISSING_FIELD, "required field 'event_time' is missing");
        }
        if (text.text == null) {
            throw new Rejected(DeadLetterReason.MISSING_FIELD, "required field 'text' is missing");
        }
        return new TextSample(text.id, text.source, text.eventTime, text.text, ref, clock.getAsLong());
    }

    private SensorSample decodeSensor(byte[] value, SourceRef ref) throws IOException {
        requireUtf8(value);
        Fields f = new Fields();
        List<String> channels = new ArrayList<>();
        double[][] values = {new double[8]};
        try (JsonParser p = json.createParser(value)) {
            readObject(p, f, (name, parser) -> {
                switch (name) {
                    case FIELD_DEVICE_ID -> {
                        f.deviceId = stringValue(parser, name);
                        return true;
                    }
                    case FIELD_READINGS -> {
                        if (parser.currentToken() != JsonToken.START_OBJECT) {
                            throw new Rejected(DeadLetterReason.WRONG_TYPE, "'readings' must be an object of numbers");
                        }
                        if (f.readingsSeen) {
                            throw new Rejected(DeadLetterReason.MALFORMED_JSON, "duplicate field 'readings'");
                        }
                        f.readingsSeen = true;
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String channel = parser.currentName();
                            JsonToken t = parser.nextToken();
                            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                                throw new Rejected(DeadLetterReason.WRONG_TYPE,
                                        "reading '" + channel + "' must be a number, was " + t);
                            }
                            if (channels.size() == limits.maxSensorChannels()) {
                                throw new Rejected(DeadLetterReason.INVALID_VALUE,
                                        "more than " + limits.maxSensorChannels() + " channels");
                            }
                            if (channels.contains(channel)) {
                                throw new Rejected(DeadLetterReason.MALFORMED_JSON, "duplicate channel '" + channel + "'");
                            }
                            double v = parser.getDoubleValue();
                            if (!Double.isFinite(v)) {
                                throw new Rejected(DeadLetterReason.INVALID_VALUE, "reading '" + channel + "' is not finite");
                            }
                            if (channels.size() == values[0].length) {
                                values[0] = Arrays.copyOf(values[0], values[0].length * 2);
                            }
                            values[0][channels.size()] = v;
                            channels.add(channel);
                        }
                        return true;
                    }
                    default -> {
                        return false;
                    }
                }
            });
        }
        require(f.deviceId, FIELD_DEVICE_ID);
        if (!f.readingsSeen) {
            throw new Rejected(DeadLetterReason.MISSING_FIELD, "required field 'readings' is missing");
        }
        if (channels.isEmpty()) {
            throw new Rejected(DeadLetterReason.INVALID_VALUE, "'readings' holds no channel");
        }
        return new SensorSample(f.id(), f.source(), f.eventTime(ref), f.deviceId, channels.toArray(String[]::new),
                Arrays.copyOf(values[0], channels.size()), ref, clock.getAsLong());
    }

    private ImageSample decodeImage(ConsumerRecord<byte[], byte[]> record, byte[] value, SourceRef ref) {
        String id = header(record, HEADER_ID, true);
        String source = header(record, HEADER_SOURCE, true);
        String contentType = header(record, HEADER_CONTENT_TYPE, true);
        String label = header(record, HEADER_LABEL, false);
        String eventTimeText = header(record, HEADER_EVENT_TIME, false);
        checkId(id);
        long eventTime = ref.timestamp();
        if (eventTimeText != null) {
            eventTime = parseTime(eventTimeText);
        }
        byte[] magic = switch (contentType) {
            case JPEG -> JPEG_MAGIC;
            case PNG -> PNG_MAGIC;
            default -> throw new Rejected(DeadLetterReason.UNKNOWN_CONTENT_TYPE,
                    "content type '" + contentType + "' is not one of " + JPEG + ", " + PNG);
        };
        if (value.length < magic.length || !Arrays.equals(value, 0, magic.length, magic, 0, magic.length)) {
            throw new Rejected(DeadLetterReason.CONTENT_TYPE_MISMATCH,
                    "the bytes do not start with the " + contentType + " signature");
        }
        return new ImageSample(id, source, eventTime, contentType, label, value, ref, clock.getAsLong());
    }

    // ---- shared pieces ----

    @FunctionalInterface
    private interface FieldReader {
        /** Reads the value of field {@code name} at the parser's current token; false if not its field. */
        boolean read(String name, JsonParser parser) throws IOException;
    }

    /** The envelope fields common to text and sensor records. */
    private static final class Fields {
        String id;
        String source;
        Long eventTime;
        String deviceId;
        boolean readingsSeen;

        String id() {
            require(id, FIELD_ID);
            return id;
        }

        String source() {
            require(source, FIELD_SOURCE);
            return source;
        }

        long eventTime(SourceRef ref) {
            if (eventTime == null) {
                throw new Rejected(DeadLetterReason.MISSING_FIELD, "required field 'event_time' is missing");
            }
            return eventTime;
        }
    }

    private void readObject(JsonParser p, Fields f, FieldReader specific) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Rejected(DeadLetterReason.MALFORMED_JSON, "the value must be a JSON object");
        }
        List<String> seen = new ArrayList<>(8);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (seen.contains(name)) {
                throw new Rejected(DeadLetterReason.MALFORMED_JSON, "duplicate field '" + name + "'");
            }
            seen.add(name);
            switch (name) {
                case FIELD_ID -> {
                    f.id = stringValue(p, name);
                    checkId(f.id);
                }
                case FIELD_SOURCE -> f.source = stringValue(p, name);
                case FIELD_EVENT_TIME -> f.eventTime = timeValue(p);
                default -> {
                    if (!specific.read(name, p)) {
                        p.skipChildren(); // unknown fields are allowed, for forward compatibility
                    }
                }
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new Rejected(DeadLetterReason.MALFORMED_JSON, "the JSON object is not closed");
        }
        if (p.nextToken() != null) {
            throw new Rejected(DeadLetterReason.MALFORMED_JSON, "content after the end of the JSON object");
        }
    }

    private static String stringValue(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new Rejected(DeadLetterReason.WRONG_TYPE,
                    "field '" + name + "' must be a string, was " + p.currentToken());
        }
        return p.getText();
    }

    private static long timeValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG) {
                throw new Rejected(DeadLetterReason.INVALID_VALUE, "'event_time' is out of range");
            }
            long v = p.getLongValue();
            if (v < 0) {
                throw new Rejected(DeadLetterReason.INVALID_VALUE, "'event_time' must not be negative");
            }
            return v;
        }
        if (t == JsonToken.VALUE_STRING) {
            return parseTime(p.getText());
        }
        throw new Rejected(DeadLetterReason.WRONG_TYPE,
                "'event_time' must be epoch milliseconds or an ISO-8601 instant, was " + t);
    }

    /** Epoch milliseconds (all digits) or an ISO-8601 instant; anything else is an invalid value. */
    public static long parseTime(String text) {
        try {
            if (!text.isEmpty() && Character.isDigit(text.charAt(0)) && text.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(text);
            }
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new Rejected(DeadLetterReason.INVALID_VALUE,
                    "event time '" + truncate(text) + "' is neither epoch milliseconds nor an ISO-8601 instant");
        }
    }

    private void checkId(String id) {
        if (id.isEmpty() || id.length() > limits.maxIdLength()) {
            throw new Rejected(DeadLetterReason.INVALID_VALUE,
                    "id must have 1 to " + limits.maxIdLength() + " characters, has " + id.length());
        }
    }

    private static void require(String value, String field) {
        if (value == null) {
            throw new Rejected(DeadLetterReason.MISSING_FIELD, "required field '" + field + "' is missing");
        }
    }

    private static void requireUtf8(byte[] value) {
        if (!Utf8.isValid(value)) {
            throw new Rejected(DeadLetterReason.INVALID_UTF8, "the value is not valid UTF-8");
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name, boolean required) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            if (required) {
                throw new Rejected(DeadLetterReason.MISSING_HEADER, "required header '" + name + "' is missing");
            }
            return null;
        }
        if (!Utf8.isValid(h.value())) {
            throw new Rejected(DeadLetterReason.INVALID_UTF8, "header '" + name + "' is not valid UTF-8");
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, SourceRef ref,
            DeadLetterReason reason, String errorClass, String message) {
        Header[] headers = record.headers().toArray();
        String[] keys = new String[headers.length];
        byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            keys[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        return new DeadLetter(reason.code(), errorClass, truncate(message), ref, record.key(), record.value(), keys, values);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** A validation failure: carries its reason, no stack trace (it is control flow, not a bug). */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final DeadLetterReason reason;

        public Rejected(DeadLetterReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
