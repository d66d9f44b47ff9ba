package io.shardline.cli;

import io.shardline.config.Settings;
import io.shardline.feeder.ConsumptionReport;
import io.shardline.feeder.FeederOptions;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.JobConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The path end to end, for one dataset: how far the job is behind Kafka, the newest version and its age, and what
 * each training job consumes (from the feeders' consumption topic).
 */
@Command(name = "status", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline status",
        description = "Kafka lag of the job's consumer group, the newest version of the dataset and its age, and for each"
                + " training job (from the feeders' consumption topic, shardline.feeder.consumption.topic): the version"
                + " it reads and how many versions behind the newest that is, its rate, and its stall time.")
final class StatusCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        JobConfig conf = common.load();
        Settings feeder = common.loadFeeder();
        DatasetStore store = VersionsCommand.store(common);
        PrintStream out = System.out;
        out.printf("dataset '%s' at %s%n", store.dataset(), store.root());
        Properties kafka = IngestOptions.clientProperties(conf.settings());
        ingestLag(out, conf, kafka);

        List<Long> versions = store.versions();
        long newest = versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
        if (newest == 0) {
            out.println("  versions:  none published yet");
        } else {
            DatasetManifest m = store.read(newest);
            out.printf("  versions:  newest v%d, published %s (%s ago), %,d rows in %d shards%n", newest, m.createdAt(),
                    age(Instant.parse(m.createdAt())), m.totalRows(), m.shards().size());
        }

        var topic = feeder.getOptional(FeederOptions.CONSUMPTION_TOPIC);
        if (topic.isEmpty()) {
            out.printf("  training:  no consumption topic configured (%s)%n", FeederOptions.CONSUMPTION_TOPIC.key());
            return 0;
        }
        Properties reports = new Properties();
        reports.putAll(kafka);
        feeder.getOptional(FeederOptions.CONSUMPTION_BOOTSTRAP_SERVERS).ifPresent(b -> reports.put("bootstrap.servers", b));
        Map<String, Job> jobs = jobs(reports, topic.get(), store.dataset());
        if (jobs.isEmpty()) {
            out.printf("  training:  no job has read '%s' (topic %s)%n", store.dataset(), topic.get());
            return 0;
        }
        out.printf("  training jobs (topic %s):%n", topic.get());
        out.printf("    %-24s %-8s %-7s %-6s %12s %10s %14s %10s %10s  %s%n", "job", "version", "behind", "epoch", "position",
                "samples/s", "samples", "stall s", "storage s", "reported");
        for (Job j : jobs.values()) {
            out.printf("    %-24s v%-7d %-7d %-6d %,12d %,10.1f %,14d %10.2f %10.2f  %s ago by %d feeder(s)%n", j.name, j.version,
                    Math.max(0, newest - j.version), j.epoch, j.position, j.rate, j.samples, j.stall, j.storage, age(j.reported),
                    j.feeders);
        }
        return 0;
    }

    /** Per partition of the job's topics, the records after the consumer group's committed offset. */
    private static void ingestLag(PrintStream out, JobConfig conf, Properties kafka) throws Exception {
        String group = conf.get(IngestOptions.GROUP_ID);
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<String> topics = new ArrayList<>();
            for (Modality m : Modality.values()) {
                String t = IngestOptions.topic(conf.settings(), m);
                if (existing.contains(t)) {
                    topics.add(t);
                }
            }
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((t, d) -> d.partitions()
                    .forEach(p -> query.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetSpec> starts = new HashMap<>();
            query.keySet().forEach(tp -> starts.put(tp, OffsetSpec.earliest()));
            var ends = admin.listOffsets(query).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            var firsts = admin.listOffsets(starts).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, Long> byTopic = new TreeMap<>();
            long total = 0;
            int uncommitted = 0;
            for (TopicPartition tp : query.keySet()) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c != null ? c.offset() : firsts.get(tp).offset();
                uncommitted += c == null ? 1 : 0;
                long lag = Math.max(0, ends.get(tp).offset() - from);
                byTopic.merge(tp.topic(), lag, Long::sum);
                total += lag;
            }
            out.printf("  ingest:    consumer group '%s' %,d records behind%s%s%n", group, total, byTopic.isEmpty() ? "" : " " + byTopic,
                    uncommitted == 0 ? "" : " (" + uncommitted + " partitions with no committed offset, counted from their start)");
        }
    }

    /** One training job over every feeder instance that served it. */
    private static final class Job {
        final String name;
        long version;
        long epoch;
        long position;
        long samples;
        double rate;
        double stall;
        double storage;
        Instant reported = Instant.EPOCH;
        int feeders;

        Job(String name) {
            this.name = name;
        }

        void add(ConsumptionReport r) {
            if (r.version() > version || (r.version() == version && r.epoch() > epoch)) {
                version = r.version();
                epoch = r.epoch();
                position = 0;
            }
            if (r.version() == version && r.epoch() == epoch) {
                position = Math.max(position, r.position());
            }
            samples += r.samples();
            rate += r.samplesPerSecond();
            stall += r.stallSeconds();
            storage += r.storageWaitSeconds();
            Instant at = Instant.parse(r.reportedAt());
            reported = at.isAfter(reported) ? at : reported;
            feeders++;
        }
    }

    /** The newest report of each job and instance in the topic, summed per job, for this dataset's name. */
    private static Map<String, Job> jobs(Properties kafka, String topic, String dataset) {
        Map<String, ConsumptionReport> newest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        newest.put(r.key(), ConsumptionReport.fromJson(r.value()));
                    }
                }
            }
        }
        Map<String, Job> jobs = new TreeMap<>();
        for (ConsumptionReport r : newest.values()) {
            if (r.dataset().equals(dataset)) {
                jobs.computeIfAbsent(r.job(), Job::new).add(r);
            }
        }
        return jobs;
    }

    private static String age(Instant then) {
        Duration d = Duration.between(then, Instant.now());
        if (d.isNegative()) {
            return "0 s";
        }
        if (d.toHours() >= 48) {
            return d.toDays() + " d";
        }
        if (d.toMinutes() >= 120) {
            return d.toHours() + " h";
        }
        return d.toSeconds() >= 120 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
