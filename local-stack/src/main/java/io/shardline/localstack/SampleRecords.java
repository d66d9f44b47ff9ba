package io.shardline.localstack;

import static io.shardline.ingest.EnvelopeDecoder.FIELD_DEVICE_ID;
import static io.shardline.ingest.EnvelopeDecoder.FIELD_EVENT_TIME;
import static io.shardline.ingest.EnvelopeDecoder.FIELD_ID;
import static io.shardline.ingest.EnvelopeDecoder.FIELD_READINGS;
import static io.shardline.ingest.EnvelopeDecoder.FIELD_SOURCE;
import static io.shardline.ingest.EnvelopeDecoder.FIELD_TEXT;

import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetterReason;
import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.localstack.SampleData.Fate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records of a {@link SampleData} plan as Kafka holds them: JSON envelopes for text and sensor readings,
 * encoded images with their headers, each malformed the way its fate says. Record {@code i} is the same for
 * the same seed, always.
 */
public final class SampleRecords {

    private static final String[] WORDS = (
            "the of and to in is was for on that with as by at from his her an were are which this be or had "
            + "it not but have one their all they been has there when who will more no if out so said what up "
            + "its about into than them can only other new some could time these two may then do first any my "
            + "now such like our over man me even most made after also did many before must through back years "
            + "where much your way well down should because each just those people how too little state good "
            + "very make world still own see men work long get here between both life being under never day "
            + "same another know while last might us great old year off come since against go came right used")
            .split(" ");

    private static final String[] LABELS = {"cat", "dog", "bird", "car", "tree", "boat"};


    private final SampleData data;
    private final byte[][] pngs;
    private final byte[][] jpegs;

    public SampleRecords(SampleData data) {
        this.data = data;
        SplittableRandom r = new SplittableRandom(data.plan().seed());
        this.pngs = new byte[8][];
        this.jpegs = new byte[8][];
        for (int k = 0; k < 8; k++) {
            pngs[k] = image(r, "png");
            jpegs[k] = image(r, "jpeg");
        }
    }

    /** Record {@code i} as Kafka will hold it, for the given topics of text, image and sensor. */
    public ProducerRecord<byte[], byte[]> record(long i, Map<Modality, String> topics) {
        Fate f = data.fate(i);
        long eventTime = SampleData.EVENT_TIME_BASE + i;
        byte[] key = f.id().getBytes(StandardCharsets.UTF_8);
        String topic = topics.get(f.modality());
        SplittableRandom r = new SplittableRandom(data.plan().seed() * 31 + i);
        if (SampleData.EXACT_DUPLICATE.equals(f.filter())) {
            // The original's key, so the copy lands in the original's partition, after it: the copy is the one
            // dropped.
            long j = i - SampleData.COPY_DISTANCE;
            key = data.fate(j).id().getBytes(StandardCharsets.UTF_8);
            String body = textBody(data.plan().textBytes() - 90, new SplittableRandom(data.plan().seed() * 31 + j));
            return new ProducerRecord<>(topic, null, eventTime, key,
                    text(f.id(), eventTime, body).bytes());
        }
        return switch (f.modality()) {
            case TEXT -> new ProducerRecord<>(topic, null, eventTime, key, textValue(f, eventTime, r));
            case SENSOR -> new ProducerRecord<>(topic, null, eventTime, key, sensorValue(f, eventTime, r));
            case IMAGE -> imageRecord(topic, f, eventTime, key, r);
        };
    }

    private static String textBody(int target, SplittableRandom r) {
        StringBuilder text = new StringBuilder(target + 16);
        while (text.length() < target) {
            text.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(12) == 0 ? ". " : " ");
        }
        text.setLength(target);
        return text.toString();
    }

    private byte[] textValue(Fate f, long eventTime, SplittableRandom r) {
        int target = f.reason() == DeadLetterReason.RECORD_TOO_LARGE ? data.plan().oversizeTextBytes() : data.plan().textBytes() - 90;
        String body = textBody(target, r);
        if (SampleData.TOO_FEW_WORDS.equals(f.filter())) {
            body = "Buy now. Limited offer, today only.";
        } else if (SampleData.DUPLICATE_LINES.equals(f.filter())) {
            body = (body.substring(0, Math.min(80, body.length())).strip() + "\\n").repeat(12);
        }
        if (f.reason() == null || f.reason() == DeadLetterReason.RECORD_TOO_LARGE) {
            return text(f.id(), eventTime, body).bytes();
        }
        return switch (f.reason()) {
            case INVALID_UTF8 -> {
                byte[] b = text(f.id(), eventTime, body).bytes();
                b[b.length - 10] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
                yield b;
            }
            case MALFORMED_JSON -> new EnvelopeJson().string(FIELD_ID, f.id()).string(FIELD_SOURCE, "generated").raw(FIELD_EVENT_TIME, eventTime)
                    .raw(FIELD_TEXT, "\"" + body).unclosed();
            case MISSING_FIELD -> new EnvelopeJson().string(FIELD_ID, f.id()).raw(FIELD_EVENT_TIME, eventTime).string(FIELD_TEXT, body).bytes();
            case WRONG_TYPE -> new EnvelopeJson().string(FIELD_ID, f.id()).string(FIELD_SOURCE, "generated").raw(FIELD_EVENT_TIME, eventTime)
                    .raw(FIELD_TEXT, "[\"" + body + "\"]").bytes();
            case JSON_LIMIT_EXCEEDED -> new EnvelopeJson().string(FIELD_ID, f.id()).string(FIELD_SOURCE, "generated").raw(FIELD_EVENT_TIME, eventTime)
                    .string(FIELD_TEXT, "x").raw("n", "[".repeat(500) + "1" + "]".repeat(500)).bytes();
            case INVALID_VALUE -> new EnvelopeJson().string(FIELD_ID, f.id()).string(FIELD_SOURCE, "generated").string(FIELD_EVENT_TIME, "last tuesday")
                    .string(FIELD_TEXT, body).bytes();
            default -> throw new IllegalStateException("no text sample for " + f.reason());
        };
    }

    private byte[] sensorValue(Fate f, long eventTime, SplittableRandom r) {
        String device = "dev-" + r.nextInt(64);
        String readings = new String(new EnvelopeJson().raw("temperature", round(15 + r.nextDouble() * 15, 1e3))
                .raw("humidity", round(r.nextDouble(), 1e3)).raw("pressure", round(990 + r.nextDouble() * 30, 1e2))
                .raw("vibration", round(r.nextDouble() / 100, 1e5)).bytes(), StandardCharsets.UTF_8);
        if (f.reason() == null) {
            return sensor(f.id(), eventTime).string(FIELD_DEVICE_ID, device).raw(FIELD_READINGS, readings).bytes();
        }
        return switch (f.reason()) {
            case WRONG_TYPE -> sensor(f.id(), eventTime).string(FIELD_DEVICE_ID, device)
                    .raw(FIELD_READINGS, "{\"temperature\":\"warm\"}").bytes();
            case MISSING_FIELD -> sensor(f.id(), eventTime).raw(FIELD_READINGS, readings).bytes();
            case MALFORMED_JSON -> sensor(f.id(), eventTime).string(FIELD_DEVICE_ID, device)
                    .raw(FIELD_READINGS, readings.substring(0, readings.length() - 5)).unclosed();
            case EMPTY_VALUE -> new byte[0];
            default -> throw new IllegalStateException("no sensor sample for " + f.reason());
        };
    }

    private ProducerRecord<byte[], byte[]> imageRecord(String topic, Fate f, long eventTime, byte[] key, SplittableRandom r) {
        boolean png = r.nextBoolean();
        byte[] bytes = png ? pngs[r.nextInt(pngs.length)] : jpegs[r.nextInt(jpegs.length)];
        String contentType = png ? EnvelopeDecoder.PNG : EnvelopeDecoder.JPEG;
        RecordHeaders h = new RecordHeaders();
        if (f.reason() != DeadLetterReason.MISSING_HEADER) {
            h.add(EnvelopeDecoder.HEADER_ID, f.id().getBytes(StandardCharsets.UTF_8));
        }
        h.add(EnvelopeDecoder.HEADER_SOURCE, "camera-3".getBytes(StandardCharsets.UTF_8));
        if (f.reason() == DeadLetterReason.UNKNOWN_CONTENT_TYPE) {
            contentType = "image/gif";
        } else if (f.reason() == DeadLetterReason.CONTENT_TYPE_MISMATCH) {
            contentType = png ? EnvelopeDecoder.JPEG : EnvelopeDecoder.PNG;
        }
        h.add(EnvelopeDecoder.HEADER_CONTENT_TYPE, contentType.getBytes(StandardCharsets.UTF_8));
        h.add(EnvelopeDecoder.HEADER_LABEL, LABELS[r.nextInt(LABELS.length)].getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, eventTime, key, bytes, h);
    }

    /** The text envelope: id, source, event time and text, as the decoder names them. */
    private static EnvelopeJson text(String id, long eventTime, String body) {
        return new EnvelopeJson().string(FIELD_ID, id).string(FIELD_SOURCE, "generated").raw(FIELD_EVENT_TIME, eventTime)
                .string(FIELD_TEXT, body);
    }

    /** The start of a sensor envelope: id, source and event time. */
    private static EnvelopeJson sensor(String id, long eventTime) {
        return new EnvelopeJson().string(FIELD_ID, id).string(FIELD_SOURCE, "plant-7").raw(FIELD_EVENT_TIME, eventTime);
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    private static byte[] image(SplittableRandom r, String format) {
        return SyntheticImages.encode(SyntheticImages.blobs(r), format);
    }
}
