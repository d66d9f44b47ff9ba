package io.shardline.preprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.PackedSequence;
import io.shardline.preprocess.internal.NearDedup.Answer;
import io.shardline.preprocess.internal.NearDedup.Probe;
import io.shardline.preprocess.internal.NearDedup.Representative;
import io.shardline.preprocess.internal.image.ImageSampleSerializer;
import io.shardline.preprocess.internal.sensor.DeviceSeries;
import io.shardline.preprocess.internal.sensor.DeviceSeriesSerializer;
import io.shardline.preprocess.internal.sensor.SensorSampleSerializer;
import io.shardline.preprocess.internal.text.PackedSequenceSerializer;
import io.shardline.preprocess.internal.text.TextSampleSerializer;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Every state serializer reads back what it wrote, copies without sharing arrays, and restores from its snapshot;
 * the snapshot accepts its own version, migrates from an older one and refuses one it does not know.
 */
class StateSerializersTest {

    record Case<T>(StateSerializer<T> serializer, T value) {}

    static final SourceRef REF = new SourceRef("raw.text", 3, 42, 1_764_000_000_000L);

    static DeviceSeries series() {
        DeviceSeries d = new DeviceSeries();
        d.add(0, new String[] {"b", "a"}, new double[] {1, 2}, 100, 1000, 4, 2, new DeviceSeries.Sink() {
            @Override
            public void window(DeviceSeries.Window w) {}

            @Override
            public void mismatch() {}
        });
        return d;
    }

    static List<Case<?>> cases() {
        byte[] text = "d\u00e9j\u00e0 vu".getBytes(StandardCharsets.UTF_8);
        return List.of(
                new Case<>(AnswerSerializer.INSTANCE, new Answer(-7, "doc-1", 0.875f)),
                new Case<>(AnswerSerializer.INSTANCE, new Answer(7, null, 0)),
                new Case<>(RepresentativeSerializer.INSTANCE, new Representative(1, 2, "doc-2", new short[] {-1, 0, 32767})),
                new Case<>(ProbeSerializer.INSTANCE, new Probe(Long.MIN_VALUE, 2, 3, "doc-3", new short[] {5})),
                new Case<>(TextSampleSerializer.INSTANCE, new TextSample("t", "src", 9, text, REF, 10, "earlier")),
                new Case<>(TextSampleSerializer.INSTANCE, new TextSample("t", null, 9, new byte[0], null, 10)),
                new Case<>(ImageSampleSerializer.INSTANCE, new ImageSample("i", "src", 1, "image/png", null, new byte[] {1, 2}, REF, 2)),
                new Case<>(ImageSampleSerializer.INSTANCE, new ImageSample("i", "src", 1, "image/png", "cat", new byte[] {1, 2}, REF, 2)
                        .processed(new byte[] {3}, "image/jpeg", 4, 5, 6, 7, -8L)),
                new Case<>(SensorSampleSerializer.INSTANCE, new SensorSample("s", "src", 1, "dev", new String[] {"x", "y"},
                        new double[] {Double.NaN, -0.0}, REF, 2)),
                new Case<>(DeviceSeriesSerializer.INSTANCE, new DeviceSeries()),
                new Case<>(DeviceSeriesSerializer.INSTANCE, series()),
                new Case<>(PackedSequenceSerializer.INSTANCE, new PackedSequence("doc@0", "cl100k_base", new int[] {1, 100_257},
                        new String[] {"doc", "next"}, new SourceRef[] {REF, new SourceRef("raw.text", 0, 1, 2)})));
    }

    static <T> byte[] write(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    static <T> T read(TypeSerializer<T> s, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        T value = s.deserialize(in);
        assertThat(in.available()).as("bytes left after reading").isZero();
        return value;
    }

    @Test
    void everyValueReadsBackAsItWasWritten() throws IOException {
        for (Case<?> c : cases()) {
            roundTrip(c);
        }
    }

    private static <T> void roundTrip(Case<T> c) throws IOException {
        byte[] bytes = write(c.serializer(), c.value());
        assertThat(read(c.serializer(), bytes)).usingRecursiveComparison().withComparatorForType(Double::compare, Double.class)
                .isEqualTo(c.value());

        DataOutputSerializer copied = new DataOutputSerializer(64);
        c.serializer().copy(new DataInputDeserializer(bytes), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes);
    }

    @Test
    void copiesShareNoArrayWithTheOriginal() throws IOException {
        for (Case<?> c : cases()) {
            deepCopy(c);
        }
    }

    private static <T> void deepCopy(Case<T> c) throws IOException {
        T copy = c.serializer().copy(c.value());
        assertThat(copy).usingRecursiveComparison().withComparatorForType(Double::compare, Double.class).isEqualTo(c.value());
        assertThat(write(c.serializer(), copy)).isEqualTo(write(c.serializer(), c.value()));
        if (!c.serializer().isImmutableType()) {
            assertThat(copy).isNotSameAs(c.value());
            for (Object[] pair : arrays(copy, c.value())) {
                assertThat(pair[0]).as("array of the copy of %s", c.value()).isNotSameAs(pair[1]);
            }
        }
    }

    /** The non-empty array fields of two values of one class, pairwise. */
    private static List<Object[]> arrays(Object a, Object b) {
        List<Object[]> out = new ArrayList<>();
        for (Field f : a.getClass().getDeclaredFields()) {
            if (f.getType().isArray() && !Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                try {
                    Object x = f.get(a);
                    if (x != null && Array.getLength(x) > 0) {
                        out.add(new Object[] {x, f.get(b)});
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    @Test
    void aSnapshotRestoresTheSerializerAndAcceptsItsOwnVersion() throws IOException {
        for (Case<?> c : cases()) {
            TypeSerializerSnapshot<?> written = c.serializer().snapshotConfiguration();
            TypeSerializerSnapshot<?> read = readBack(written);
            assertThat(read).isExactlyInstanceOf(written.getClass());
            assertThat(read.getCurrentVersion()).isEqualTo(1);
            assertThat(read.restoreSerializer()).isSameAs(c.serializer());
            assertThat(compatibility(c.serializer(), read).isCompatibleAsIs()).as("%s", read).isTrue();
        }
    }

    @Test
    void aSnapshotOfAnotherSerializerIsIncompatible() throws IOException {
        TypeSerializerSnapshot<Probe> other = readBack(RepresentativeSerializer.INSTANCE.snapshotConfiguration());
        assertThat(compatibility(ProbeSerializer.INSTANCE, other).isIncompatible()).isTrue();
    }

    @Test
    void aVersionFromALaterReleaseIsRefused() {
        DataOutputSerializer out = new DataOutputSerializer(64);
        assertThatThrownBy(() -> new ProbeSerializer.Snapshot().readSnapshot(2, new DataInputDeserializer(out.getCopyOfBuffer()),
                getClass().getClassLoader())).isInstanceOf(IOException.class).hasMessageContaining("format version 2");
    }

    /** A format at version 2 that still reads version 1: state of version 1 is migrated, read with its own serializer. */
    public static final class TwoVersions extends StateSerializer.Snapshot<String> {
        static final TypeSerializer<String> V1 = StringSerializer.INSTANCE;
        static final TypeSerializer<String> V2 = new StringSerializer();

        public TwoVersions() {
            super(2);
        }

        @Override
        protected TypeSerializer<String> serializerFor(int version) {
            return version == 1 ? V1 : V2;
        }
    }

    @Test
    void anOlderVersionIsReadWithItsOwnFormatAndMigrated() throws IOException {
        TwoVersions old = new TwoVersions();
        old.readSnapshot(1, new DataInputDeserializer(new byte[0]), getClass().getClassLoader());
        assertThat(old.version()).isEqualTo(1);
        assertThat(old.restoreSerializer()).isSameAs(TwoVersions.V1);
        assertThat(new TwoVersions().resolveSchemaCompatibility(old).isCompatibleAfterMigration()).isTrue();
        assertThat(new TwoVersions().restoreSerializer()).isSameAs(TwoVersions.V2);
    }

    /** The snapshot as Flink writes it into a checkpoint (class name, version, content) and reads it back. */
    private static <T> TypeSerializerSnapshot<T> readBack(TypeSerializerSnapshot<?> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                StateSerializersTest.class.getClassLoader());
    }

    @SuppressWarnings("unchecked")
    private static <T> TypeSerializerSchemaCompatibility<T> compatibility(TypeSerializer<T> current, TypeSerializerSnapshot<?> old) {
        return current.snapshotConfiguration().resolveSchemaCompatibility((TypeSerializerSnapshot<T>) old);
    }
}
