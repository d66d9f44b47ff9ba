package io.shardline.preprocess.internal;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the serializers of preprocessing's state: one value type each, in a binary format of its own that
 * depends neither on the class's fields nor on Flink's type inference (no POJO analysis, no Kryo), with a
 * version. Checkpoints and savepoints hold the serializer's {@link Snapshot}, that is the name of its class
 * and the version of the format the state was written in.
 *
 * <p>A change of format bumps the serializer's version and keeps reading the old ones: the snapshot's
 * {@link Snapshot#serializerFor} returns, for an old version, a serializer that reads that format, and Flink
 * rewrites the state in the current one on restore (compatible after migration). Serializers hold no
 * configuration: one instance serves every thread.
 */
public abstract class StateSerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this;
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    /**
     * What a checkpoint keeps of a {@link StateSerializer}: its class (the snapshot's, by name) and the version
     * of the format, which Flink writes as the snapshot's version; there is nothing else to write. Subclasses
     * are public static classes with a public no-argument constructor, so that Flink can create them by name.
     */
    public abstract static class Snapshot<T> implements TypeSerializerSnapshot<T> {

        private final int currentVersion;
        private int version;

        /** @param currentVersion the version of the format this release writes */
        protected Snapshot(int currentVersion) {
            this.currentVersion = currentVersion;
            this.version = currentVersion;
        }

        /** A serializer that reads the format of {@code version}, 1 to the current version. */
        protected abstract TypeSerializer<T> serializerFor(int version);

        /** The version of the format the state of this snapshot was written in. */
        public int version() {
            return version;
        }

        @Override
        public int getCurrentVersion() {
            return currentVersion;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version, written by Flink before this, is all there is.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            if (readVersion < 1 || readVersion > currentVersion) {
                throw new IOException(getClass().getName() + ": the state was written in format version " + readVersion
                        + ", this release reads versions 1 to " + currentVersion);
            }
            version = readVersion;
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return serializerFor(version);
        }

        /** Called on the snapshot of the serializer of this release, with the one the state was written with. */
        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            if (oldSnapshot.getClass() != getClass()) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return ((Snapshot<T>) oldSnapshot).version == version
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }

        @Override
        public String toString() {
            return getClass().getName() + " v" + version;
        }
    }
}
