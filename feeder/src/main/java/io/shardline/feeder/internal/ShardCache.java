package io.shardline.feeder.internal;

import io.shardline.feeder.FeederOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoded shards shared by every stream of a feeder instance, in an allocator of bounded size. A stream
 * {@linkplain #acquire acquires} the shards of the windows it serves and reads ahead, and closes each lease
 * when it has moved on; a shard that no stream holds stays cached until its memory is needed (least recently
 * used first). Ranks of one job read the same windows at about the same time, so each shard is normally
 * downloaded, verified and decoded once per feeder instance and epoch, whatever the number of ranks.
 */
public final class ShardCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardCache.class);

    /** What identifies decoded content: the shard (by path and checksum) and the columns decoded. */
    public record Key(String dataset, String path, String sha256, List<String> columns) {}

    private final BufferAllocator allocator;
    private final ExecutorService readers;
    private final FeederMetrics metrics;
    /** In access order: the first unheld entry is the one to evict. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    public ShardCache(BufferAllocator parent, long capacity, ExecutorService readers, FeederMetrics metrics) {
        this.allocator = parent.newChildAllocator("shard-cache", 0, capacity);
        this.readers = readers;
        this.metrics = metrics;
    }

    private static final class Entry {
        final CompletableFuture<DecodedShard> shard = new CompletableFuture<>();
        int holders;
    }

    /** A stream's hold on one decoded shard; closing it lets the cache evict the shard. */
    public final class Lease implements AutoCloseable {
        private final Key key;
        private final Entry entry;
        private boolean released;

        private Lease(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        CompletableFuture<DecodedShard> shard() {
            return entry.shard;
        }

        @Override
        public void close() {
            synchronized (ShardCache.this) {
                if (!released) {
                    released = true;
                    entry.holders--;
                    if (entries.get(key) != entry && entry.holders == 0) {
                        closeQuietly(entry); // evicted or closed while held
                    }
                    ShardCache.this.notifyAll();
                }
            }
        }
    }

    /**
     * Holds a shard, loading it on a reader thread if it is not cached.
     *
     * @param fetch downloads and verifies the shard's bytes (once per load)
     * @param decode decodes those bytes into vectors of the given allocator (again after each eviction, if the
     *     cache was full)
     */
    public synchronized Lease acquire(Key key, Supplier<byte[]> fetch, BiFunction<byte[], BufferAllocator, DecodedShard> decode) {
        if (closed) {
            throw new IllegalStateException("the feeder is shutting down");
        }
        Entry e = entries.get(key);
        if (e == null) { // a failed load has left the map already, so a later request loads again
            e = new Entry();
            entries.put(key, e);
            metrics.cacheMisses.increment();
            Entry loading = e;
            readers.execute(() -> complete(key, loading, () -> loadWithRoom(key, fetch.get(), decode)));
        } else {
            metrics.cacheHits.increment();
        }
        e.holders++;
        return new Lease(key, e);
    }

    private void complete(Key key, Entry e, Supplier<DecodedShard> load) {
        try {
            DecodedShard s = load.get();
            synchronized (this) {
                if (entries.get(key) != e) {
                    s.close(); // the cache closed meanwhile
                    e.shard.completeExceptionally(new IllegalStateException("the feeder is shutting down"));
                    return;
                }
                metrics.cacheBytes.set(allocator.getAllocatedMemory());
            }
            e.shard.complete(s);
        } catch (RuntimeException | Error ex) {
            synchronized (this) {
                entries.remove(key, e); // a later request tries again
            }
            e.shard.completeExceptionally(ex);
        }
    }

    /** Decodes; when the cache is full, evicts shards no stream holds and tries again, until nothing is left to evict. */
    private DecodedShard loadWithRoom(Key key, byte[] bytes, BiFunction<byte[], BufferAllocator, DecodedShard> decode) {
        while (true) {
            try {
                return decode.apply(bytes, allocator);
            } catch (OutOfMemoryException full) {
                if (!evictOne()) {
                    long held;
                    synchronized (this) {
                        held = allocator.getAllocatedMemory();
                    }
                    throw new IllegalStateException("the shard cache (" + allocator.getLimit() + " bytes, "
                            + FeederOptions.CACHE_SIZE.key() + ") is full with " + held + " bytes of shards that streams"
                            + " are serving, so " + key.path() + " cannot be loaded: raise the cache size or lower the"
                            + " requests' shuffle window (or the read-ahead)", full);
                }
            }
        }
    }

    /** Evicts the least recently used shard that no stream holds; false if there is none. */
    private synchronized boolean evictOne() {
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Entry> m = it.next();
            Entry e = m.getValue();
            if (e.holders == 0 && e.shard.isDone()) {
                it.remove();
                closeQuietly(e);
                metrics.cacheEvictions.increment();
                metrics.cacheBytes.set(allocator.getAllocatedMemory());
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Entry e) {
        if (e.shard.isDone() && !e.shard.isCompletedExceptionally()) {
            e.shard.join().close();
        }
    }

    public synchronized long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    @Override
    public void close() {
        List<Entry> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(entries.values());
            entries.clear();
        }
        for (Entry e : open) {
            if (e.holders == 0) {
                closeQuietly(e);
            }
        }
        if (allocator.getAllocatedMemory() > 0) {
            LOG.warn("Shard cache closes with {} bytes still held by streams that did not finish", allocator.getAllocatedMemory());
        }
        try {
            allocator.close();
        } catch (IllegalStateException leak) {
            LOG.warn("Shard cache allocator: {}", leak.getMessage());
        }
    }
}
