package io.shardline.ingest;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter as the original record: same key, value and headers, plus the
 * {@code shardline.dlq.*} headers that say why and where from. The record gets a new timestamp (the time
 * it was dead-lettered); the source record's timestamp is in the {@code shardline.dlq.source.timestamp}
 * header. Keeping the old timestamp would let time-based retention delete the dead letters of a replay of
 * old data as soon as they were written.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < d.headerKeys().length; i++) {
            headers.add(d.headerKeys()[i], d.headerValues()[i]);
        }
        headers.add(DeadLetter.HEADER_REASON, utf8(d.reason()));
        headers.add(DeadLetter.HEADER_ERROR_CLASS, utf8(d.errorClass()));
        headers.add(DeadLetter.HEADER_ERROR_MESSAGE, utf8(d.errorMessage()));
        headers.add(DeadLetter.HEADER_SOURCE_TOPIC, utf8(d.ref().topic()));
        headers.add(DeadLetter.HEADER_SOURCE_PARTITION, utf8(Integer.toString(d.ref().partition())));
        headers.add(DeadLetter.HEADER_SOURCE_OFFSET, utf8(Long.toString(d.ref().offset())));
        headers.add(DeadLetter.HEADER_SOURCE_TIMESTAMP, utf8(Long.toString(d.ref().timestamp())));
        return new ProducerRecord<>(topic, null, null, d.key(), d.value(), headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
