package io.shardline.preprocess.internal;

import io.shardline.ingest.SourceRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The pieces the {@link StateSerializer}s are made of, part of each one's format: numbers big-endian as
 * {@link java.io.DataOutput} writes them; strings and arrays as an {@code int} length, {@code -1} for null,
 * then the elements (strings as UTF-8 bytes); a boxed number or a {@link SourceRef} as a {@code boolean}
 * (present) and, if present, its value.
 */
public final class StateFormat {

    private StateFormat() {}

    public static void writeString(String s, DataOutputView out) throws IOException {
        writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8), out);
    }

    public static String readString(DataInputView in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public static void writeBytes(byte[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            out.write(a);
        }
    }

    public static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] a = new byte[n];
        in.readFully(a);
        return a;
    }

    public static void writeShorts(short[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (short v : a) {
                out.writeShort(v);
            }
        }
    }

    public static short[] readShorts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readShort();
        }
        return a;
    }

    public static void writeInts(int[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (int v : a) {
                out.writeInt(v);
            }
        }
    }

    public static int[] readInts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    public static void writeLongs(long[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (long v : a) {
                out.writeLong(v);
            }
        }
    }

    public static long[] readLongs(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    public static void writeDoubles(double[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (double v : a) {
                out.writeDouble(v);
            }
        }
    }

    public static double[] readDoubles(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    public static void writeStrings(String[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (String s : a) {
                writeString(s, out);
            }
        }
    }

    public static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = readString(in);
        }
        return a;
    }

    public static void writeInteger(Integer v, DataOutputView out) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeInt(v);
        }
    }

    public static Integer readInteger(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    public static void writeLong(Long v, DataOutputView out) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeLong(v);
        }
    }

    public static Long readLong(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    /** A {@link SourceRef}: topic, partition ({@code int}), offset and timestamp ({@code long}). */
    public static void writeRef(SourceRef r, DataOutputView out) throws IOException {
        out.writeBoolean(r != null);
        if (r != null) {
            writeString(r.topic(), out);
            out.writeInt(r.partition());
            out.writeLong(r.offset());
            out.writeLong(r.timestamp());
        }
    }

    public static SourceRef readRef(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        String topic = readString(in);
        int partition = in.readInt();
        long offset = in.readLong();
        return new SourceRef(topic, partition, offset, in.readLong());
    }
}
