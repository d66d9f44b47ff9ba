package io.shardline.feeder;

import io.shardline.feeder.internal.EpochPlan;
import io.shardline.feeder.internal.RankSchedule;
import io.shardline.format.DatasetManifest;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The order in which feeders serve one epoch of a version, computed from its manifest alone, exactly as every
 * feeder instance computes it: which sample each rank receives at each step, and where a given row lands. For
 * lineage ({@code shardline explain}): from a training step to the samples and their Kafka records, and back.
 */
public final class EpochOrder {

    /** One sample as served: its epoch position, the step and rank that receive it, and its shard and row. */
    public record Sample(long position, long step, int rank, int indexInBatch, ShardEntry shard, int row) {}

    private final FeedRequest request;
    private final List<ShardEntry> shards;
    private final EpochPlan plan;

    private EpochOrder(FeedRequest request, List<ShardEntry> shards) {
        this.request = request;
        this.shards = shards;
        this.plan = new EpochPlan(shards.stream().mapToLong(ShardEntry::rows).toArray(), request.version(), request.seed(),
                request.epoch(), request.shuffleWindow());
    }

    /**
     * @param manifest the version served
     * @param request the request (its rank is ignored); a shuffle window of 0 is pinned as a feeder pins it
     * @param defaultWindow the feeder's {@link FeederOptions#SHUFFLE_WINDOW}
     * @param windowBytes the feeder's {@link FeederOptions#SHUFFLE_WINDOW_BYTES}
     */
    public static EpochOrder of(DatasetManifest manifest, FeedRequest request, int defaultWindow, long windowBytes) {
        List<ShardEntry> shards = served(manifest, ShardTable.fromId(request.table()));
        FeedRequest pinned = request.withVersion(manifest.version()).withRank(-1);
        if (pinned.shuffleWindow() == 0) {
            pinned = pinned.withShuffleWindow(defaultWindow(shards, defaultWindow, windowBytes));
        }
        return new EpochOrder(pinned, shards);
    }

    /** The shards of a table a version serves, in the order epoch plans index them: manifest order, empty ones left out. */
    public static List<ShardEntry> served(DatasetManifest manifest, ShardTable table) {
        return manifest.shards().stream().filter(s -> s.table() == table && s.rows() > 0).toList();
    }

    /**
     * The shuffle window a feeder uses when a request leaves it open: the configured rows, or fewer when the table's
     * rows are large, so that a window holds about {@code windowBytes}.
     */
    public static int defaultWindow(List<ShardEntry> shards, int defaultWindow, long windowBytes) {
        long rows = shards.stream().mapToLong(ShardEntry::rows).sum();
        long bytes = shards.stream().mapToLong(ShardEntry::bytes).sum();
        long byBytes = rows == 0 || bytes == 0 ? defaultWindow : Math.max(1, windowBytes / Math.max(1, bytes / rows));
        return (int) Math.min(defaultWindow, byBytes);
    }

    /** The request as pinned: version and shuffle window fixed. */
    public FeedRequest request() {
        return request;
    }

    /** Samples in the epoch (before drop-last or padding). */
    public long size() {
        return plan.size();
    }

    /** Steps (global batches) of the epoch from the request's resume point. */
    public long steps() {
        return new RankSchedule(plan.size(), request.withRank(0)).batches();
    }

    /** The samples one rank receives at a step, in batch order. */
    public List<Sample> batch(long step, int rank) {
        RankSchedule schedule = new RankSchedule(plan.size(), request.withRank(rank));
        if (step < 0 || step >= schedule.batches()) {
            throw new IllegalArgumentException("step " + step + " is outside the epoch: it has " + schedule.batches() + " steps of "
                    + request.globalBatch() + " samples from sample " + request.consumed());
        }
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < schedule.batchSize(); i++) {
            long position = schedule.position(step, i);
            long sample = plan.sampleAt(position);
            out.add(new Sample(position, step, rank, i, shards.get(EpochPlan.shard(sample)), EpochPlan.row(sample)));
        }
        return out;
    }

    /**
     * Where a row is served in this epoch: its position, step and rank; empty when drop-last leaves it out (it
     * falls in the last, partial global batch) or the resume point is past it. With padding a row can also be
     * served a second time in the last step; the first time is given.
     */
    public Optional<Sample> find(ShardEntry shard, int row) {
        int index = shards.indexOf(shard);
        if (index < 0 || row < 0 || row >= shard.rows()) {
            return Optional.empty();
        }
        long wanted = (long) index << 32 | row;
        for (int w = 0; w < plan.windows(); w++) {
            boolean holds = false;
            for (int s : plan.shardsOf(w)) {
                holds |= s == index;
            }
            if (!holds) {
                continue;
            }
            long end = w + 1 < plan.windows() ? plan.windowStart(w + 1) : plan.size();
            for (long p = plan.windowStart(w); p < end; p++) {
                if (plan.sampleAt(p) == wanted) {
                    return locate(p, shard, row);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Sample> locate(long position, ShardEntry shard, int row) {
        long from = position - request.consumed();
        if (from < 0) {
            return Optional.empty();
        }
        long step = from / request.globalBatch();
        if (step >= steps()) {
            return Optional.empty();
        }
        int inGlobal = (int) (from % request.globalBatch());
        return Optional.of(new Sample(position, step, inGlobal / request.batchSize(), inGlobal % request.batchSize(), shard, row));
    }
}
