package io.shardline.ingest;

import io.shardline.format.Modality;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Kafka source's deserializer: maps each record's topic to its modality and decodes it with
 * {@link EnvelopeDecoder}. It never throws for a bad record (a throwing deserializer is a poison pill that
 * restarts the job forever); bad records come out as dead letters, which the router counts ({@link IngestMetrics}).
 *
 * <p>Runs on the source reader's fetcher-to-task hand-over thread, the task thread.
 */
public final class ShardlineDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, Modality> topics;
    private final DecoderLimits limits;

    private transient EnvelopeDecoder decoder;

    public ShardlineDeserializer(Map<String, Modality> topics, DecoderLimits limits) {
        this.topics = new HashMap<>(topics);
        this.limits = limits;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = new EnvelopeDecoder(limits);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        out.collect(decoder.decode(topics.get(record.topic()), record));
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
