package io.shardline.cli;

import io.shardline.format.Modality;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.JobConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a bounded run read to, committed to the job's consumer group once the run has finished, so that a
 * next run with {@code starting-offsets=COMMITTED} takes exactly the records produced since. The job commits
 * offsets itself only as its checkpoints complete, and the last commit of a bounded run can come after the
 * job has ended or not at all; the next run would then read the tail again.
 *
 * <p>The offsets are the topics' ends when the run was submitted: a bounded source stops at the ends it finds
 * when it starts, which are these or later ones. Where the job committed further itself (records produced
 * while it ran), its offset stays. So nothing is skipped; records produced while a run starts may be read
 * again by the next.
 */
final class BoundedRunOffsets {

    private final Properties kafka;
    private final String group;
    private final Map<TopicPartition, Long> ends;

    private BoundedRunOffsets(Properties kafka, String group, Map<TopicPartition, Long> ends) {
        this.kafka = kafka;
        this.group = group;
        this.ends = ends;
    }

    /** The ends of the job's topics now, for a run bounded by them; null for an unbounded one or one with a stop-at. */
    static BoundedRunOffsets atSubmission(JobConfig conf) throws Exception {
        if (!conf.get(IngestOptions.BOUNDED) || conf.getOptional(IngestOptions.STOP_AT).isPresent()) {
            return null;
        }
        Properties kafka = IngestOptions.clientProperties(conf.settings());
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            List<String> topics = java.util.Arrays.stream(Modality.values()).map(m -> IngestOptions.topic(conf.settings(), m))
                    .filter(existing::contains).toList();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((t, d) -> d.partitions()
                    .forEach(p -> query.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, o) -> ends.put(tp, o.offset()));
            return new BoundedRunOffsets(kafka, conf.get(IngestOptions.GROUP_ID), ends);
        }
    }

    /** Commits the ends (or the job's own offsets where further) to the group; call once the run has finished. */
    void commit() throws Exception {
        try (Admin admin = Admin.create(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            ends.forEach((tp, end) -> {
                OffsetAndMetadata own = committed.get(tp);
                next.put(tp, new OffsetAndMetadata(own == null ? end : Math.max(end, own.offset())));
            });
            admin.alterConsumerGroupOffsets(group, next).all().get(30, TimeUnit.SECONDS);
            System.out.printf("Offsets this run read to committed to consumer group '%s' (%d partitions): a next run with"
                    + " shardline.ingest.starting-offsets=COMMITTED goes on from there%n", group, next.size());
        }
    }
}
