package io.shardline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardline.format.Modality;
import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.ingest.IngestOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import java.util.stream.Stream;
import io.shardline.pipeline.JobConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Publishes files into the raw topics, in the record formats the job reads: JSON Lines as they are, CSV rows
 * turned into JSON objects, plain-text files as one text record each, and image files (JPEG, PNG) with
 * their metadata in headers. Folders are walked in name order, so a rerun publishes in the same order.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline produce image --label-from-folder photos/   (or: produce text docs.jsonl, produce sensor readings.csv)",
        description = "Publish files or folders into a raw topic: text (.jsonl, .csv, .txt), image (.jpg, .jpeg, .png;"
                + " the parent folder's name is the label with --label-from-folder) or sensor (.jsonl, .csv: device_id,"
                + " event_time and one column per channel). Kafka and topic names come from the job's options.")
final class ProduceCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Modality: text, image or sensor.")
    String modality;

    @Parameters(index = "1..*", arity = "1..*", description = "Files or folders.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--source", defaultValue = "cli", description = "The source field or header of records that have none (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--label-from-folder", description = "Images: label each image with the name of its folder (ImageFolder layout).")
    boolean labelFromFolder;

    @Mixin
    CommonOptions common;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern EPOCH_MILLIS = java.util.regex.Pattern.compile("-?\\d+");

    /** One record to send: key, value, headers. */
    record Out(byte[] key, byte[] value, RecordHeaders headers) {}

    @Override
    public Integer call() throws Exception {
        JobConfig conf = common.load();
        Modality m = Modality.fromId(modality);
        String topic = IngestOptions.topic(conf.settings(), m);
        List<Path> files = files(inputs);
        Properties p = IngestOptions.clientProperties(conf.settings());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long limit = recordLimit(p, topic);
        long jobLimit = jobRecordLimit(conf, m);
        // What went wrong, per file: refused before sending (over the limit) or failed when sent.
        Map<Path, String> problems = new ConcurrentSkipListMap<>();
        long sent = 0;
        long overJobLimit = 0;
        Progress progress = new Progress(System.err, "files published to " + topic, files.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            int done = 0;
            for (Path f : files) {
                List<Out> records = records(m, f);
                int n = 0;
                for (Out o : records) {
                    n++;
                    long size = size(o);
                    if (size > limit) {
                        problems.merge(f, (records.size() > 1 ? "record " + n + ": " : "") + String.format(Locale.ROOT,
                                "%,d bytes, over the topic's limit of %,d (max.message.bytes of %s, or the broker's"
                                        + " message.max.bytes); not published", size, limit, topic), (x, y) -> x + "; " + y);
                        continue;
                    }
                    if (o.value() != null && o.value().length > jobLimit) {
                        overJobLimit++;
                    }
                    producer.send(new ProducerRecord<>(topic, null, null, o.key(), o.value(), o.headers()), (md, e) -> {
                        if (e != null) {
                            problems.merge(f, "not published: " + e.getMessage(), (x, y) -> x.contains(y) ? x : x + "; " + y);
                        }
                    });
                    sent++;
                }
                progress.update(++done);
            }
            producer.flush();
        }
        progress.done(files.size());
        if (overJobLimit > 0) {
            System.err.printf("%,d records are larger than the job's limit of %,d bytes (shardline.ingest.%s.max-record-size): the job"
                    + " will dead-letter them as record-too-large unless the limit is raised (then: ./shardline dead-letters"
                    + " redrive --reason record-too-large)%n", overJobLimit, jobLimit, m.id());
        }
        if (!problems.isEmpty()) {
            System.out.printf("Published %,d records to %s; %,d of %,d files had records that were not published:%n", sent, topic,
                    problems.size(), files.size());
            problems.forEach((f, why) -> System.out.printf("  %s: %s%n", f, why));
            return 1;
        }
        System.out.printf("Published %,d records from %,d files to %s%n", sent, files.size(), topic);
        return 0;
    }

    /** A record's size as the broker counts it against max.message.bytes, with room for the batch around it. */
    static long size(Out o) {
        long n = 128 + (o.key() == null ? 0 : o.key().length) + (o.value() == null ? 0 : o.value().length);
        for (var h : o.headers()) {
            n += h.key().length() + (h.value() == null ? 0 : h.value().length) + 8;
        }
        return n;
    }

    /** The largest record the topic takes from this producer: its max.message.bytes, and the producer's request limit. */
    static long recordLimit(Properties producer, String topic) throws Exception {
        long request = Long.parseLong(String.valueOf(producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)));
        try (Admin admin = Admin.create(producer)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            ConfigEntry e = c == null ? null : c.get("max.message.bytes");
            return e == null || e.value() == null ? request : Math.min(request, Long.parseLong(e.value()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("topic " + topic + " does not exist: create it, or start the local stack"
                        + " (./shardline stack up), which creates the topics");
            }
            throw new IllegalStateException("cannot read the configuration of topic " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    static long jobRecordLimit(JobConfig conf, Modality m) {
        return switch (m) {
            case TEXT -> conf.get(IngestOptions.TEXT_MAX_RECORD_SIZE);
            case IMAGE -> conf.get(IngestOptions.IMAGE_MAX_RECORD_SIZE);
            case SENSOR -> conf.get(IngestOptions.SENSOR_MAX_RECORD_SIZE);
        };
    }

    static List<Path> files(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> walk = Files.walk(in)) {
                    walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(in)) {
                out.add(in);
            } else {
                throw new IllegalArgumentException("no such file or folder: " + in);
            }
        }
        return out;
    }

    List<Out> records(Modality m, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (m == Modality.IMAGE) {
            String type = name.endsWith(".png") ? EnvelopeDecoder.PNG : name.endsWith(".jpg") || name.endsWith(".jpeg") ? EnvelopeDecoder.JPEG : null;
            if (type == null) {
                System.err.println("skipping " + file + ": not a .jpg, .jpeg or .png file");
                return List.of();
            }
            String id = stem(file);
            RecordHeaders h = new RecordHeaders();
            h.add(EnvelopeDecoder.HEADER_ID, bytes(id));
            h.add(EnvelopeDecoder.HEADER_SOURCE, bytes(source));
            h.add(EnvelopeDecoder.HEADER_CONTENT_TYPE, bytes(type));
            if (labelFromFolder && file.getParent() != null) {
                h.add(EnvelopeDecoder.HEADER_LABEL, bytes(file.getParent().getFileName().toString()));
            }
            return List.of(new Out(bytes(id), Files.readAllBytes(file), h));
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            List<Out> out = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        // As it is: a malformed line reaches the job, which dead-letters it with the reason.
                        out.add(new Out(m == Modality.SENSOR ? deviceKey(line) : null, bytes(line), new RecordHeaders()));
                    }
                }
            }
            return out;
        }
        if (name.endsWith(".csv")) {
            return csv(m, file);
        }
        if (m == Modality.TEXT) {
            ObjectNode o = JSON.createObjectNode().put(EnvelopeDecoder.FIELD_ID, stem(file)).put(EnvelopeDecoder.FIELD_SOURCE, source)
                    .put(EnvelopeDecoder.FIELD_EVENT_TIME, Files.getLastModifiedTime(file).toMillis())
                    .put(EnvelopeDecoder.FIELD_TEXT, Files.readString(file, StandardCharsets.UTF_8));
            return List.of(new Out(bytes(stem(file)), JSON.writeValueAsBytes(o), new RecordHeaders()));
        }
        System.err.println("skipping " + file + ": sensor readings come as .jsonl or .csv");
        return List.of();
    }

    /**
     * CSV with a header row. Text: columns id, source, event_time, text. Sensor: id, source, event_time and
     * device_id, every other column a channel (a number). Fields may be quoted with double quotes. Rows
     * without an id are numbered after the file; without an event time they take the file's modification time.
     */
    List<Out> csv(Modality m, Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> header = splitCsv(lines.get(0));
        long modified = Files.getLastModifiedTime(file).toMillis();
        List<Out> out = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            List<String> cells = splitCsv(lines.get(n));
            ObjectNode o = JSON.createObjectNode();
            ObjectNode readings = JSON.createObjectNode();
            o.put(EnvelopeDecoder.FIELD_SOURCE, source);
            o.put(EnvelopeDecoder.FIELD_ID, stem(file) + "-" + n);
            o.put(EnvelopeDecoder.FIELD_EVENT_TIME, modified); // unless the row has its own
            for (int c = 0; c < header.size() && c < cells.size(); c++) {
                String col = header.get(c).strip();
                String v = cells.get(c);
                boolean envelope = col.equals(EnvelopeDecoder.FIELD_ID) || col.equals(EnvelopeDecoder.FIELD_SOURCE)
                        || col.equals(EnvelopeDecoder.FIELD_EVENT_TIME) || col.equals(EnvelopeDecoder.FIELD_TEXT)
                        || col.equals(EnvelopeDecoder.FIELD_DEVICE_ID);
                if (col.equals(EnvelopeDecoder.FIELD_EVENT_TIME) && EPOCH_MILLIS.matcher(v).matches()) {
                    o.put(col, Long.parseLong(v));
                } else if (envelope || m == Modality.TEXT) {
                    o.put(col, v);
                } else if (!v.isBlank()) {
                    try {
                        readings.put(col, Double.parseDouble(v));
                    } catch (NumberFormatException e) {
                        readings.put(col, v); // the job dead-letters it as wrong-type, with the row
                    }
                }
            }
            if (m == Modality.SENSOR) {
                o.set(EnvelopeDecoder.FIELD_READINGS, readings);
            }
            // Sensor records are keyed by device: one device's readings then stay in one partition, in order.
            String device = o.path(EnvelopeDecoder.FIELD_DEVICE_ID).asText("");
            String key = m == Modality.SENSOR && !device.isBlank() ? device : o.get(EnvelopeDecoder.FIELD_ID).asText();
            out.add(new Out(bytes(key), JSON.writeValueAsBytes(o), new RecordHeaders()));
        }
        return out;
    }

    /**
     * The Kafka key of a sensor record given as a JSON line: its {@code device_id}, so that a device's readings stay
     * in one partition and in order; none when the line has no device id (or is not JSON: the job dead-letters it).
     */
    static byte[] deviceKey(String line) {
        try {
            var device = JSON.readTree(line).get(EnvelopeDecoder.FIELD_DEVICE_ID);
            return device != null && device.isTextual() ? bytes(device.asText()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out;
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
