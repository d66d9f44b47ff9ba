package io.shardline.feeder.internal;

import io.shardline.feeder.FeedRequest;

/**
 * Which epoch positions one rank receives, batch by batch. From the resume point on, the epoch is cut into
 * global batches of worldSize x batchSize consecutive positions; rank r takes the r-th run of batchSize
 * positions of each. The union over ranks of global batch k is therefore the same set of samples whatever
 * the world size, as long as the global batch is the same: that is what makes resuming on another number of
 * ranks exact.
 *
 * <p>The last global batch: with drop-last its samples are left out (every rank gets the same number of full
 * batches); with padding it is filled up with the first samples of the epoch order, repeated.
 */
public final class RankSchedule {

    private final long epochSize;
    private final long start;
    private final long globalBatch;
    private final int batchSize;
    private final int rank;
    private final long batches;

    public RankSchedule(long epochSize, FeedRequest request) {
        if (request.rank() < 0) {
            throw new IllegalArgumentException("a schedule is for one rank; the request names none");
        }
        if (request.consumed() > epochSize) {
            throw new IllegalArgumentException("the cursor is " + request.consumed() + " samples into an epoch of " + epochSize);
        }
        this.epochSize = epochSize;
        this.start = request.consumed();
        this.globalBatch = request.globalBatch();
        this.batchSize = request.batchSize();
        this.rank = request.rank();
        long left = epochSize - start;
        this.batches = request.dropLast() || epochSize == 0 ? left / globalBatch : (left + globalBatch - 1) / globalBatch;
    }

    /** Batches this rank receives (every rank receives as many). */
    public long batches() {
        return batches;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Epoch position of the {@code i}-th sample of batch {@code k} of this rank. */
    public long position(long k, int i) {
        long p = start + k * globalBatch + (long) rank * batchSize + i;
        return p < epochSize ? p : (p - epochSize) % epochSize; // padding repeats the epoch's first samples
    }

    /** Samples this rank receives in all. */
    public long samples() {
        return batches * batchSize;
    }
}
