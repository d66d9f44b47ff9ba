package io.shardline.feeder.internal;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet file held in memory (a shard already downloaded and verified). */
public final class ByteArrayInputFile implements InputFile {

    private final byte[] bytes;

    public ByteArrayInputFile(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
        Positioned in = new Positioned(bytes);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() {
                return in.position();
            }

            @Override
            public void seek(long newPos) throws IOException {
                if (newPos < 0 || newPos > bytes.length) {
                    throw new EOFException("seek to " + newPos + " in a file of " + bytes.length + " bytes");
                }
                in.seek((int) newPos);
            }
        };
    }

    /** A byte array stream whose position can be read and set. */
    private static final class Positioned extends ByteArrayInputStream {
        Positioned(byte[] b) {
            super(b);
        }

        synchronized int position() {
            return pos;
        }

        synchronized void seek(int p) {
            pos = p;
        }
    }
}
