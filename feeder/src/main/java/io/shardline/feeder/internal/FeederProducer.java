package io.shardline.feeder.internal;

import io.shardline.config.Settings;
import io.shardline.feeder.EpochOrder;
import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederOptions;
import io.shardline.format.ShardIntegrityException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flight side of the feeder. GetFlightInfo takes a {@link FeedRequest} (JSON) as a command, pins the
 * version and the shuffle window, and answers one endpoint per rank, spread over the feeder instances; DoGet
 * takes such an endpoint's ticket and streams that rank's batches. Tickets carry everything, so any instance
 * serves any of them.
 */
public final class FeederProducer extends NoOpFlightProducer {

    private static final Logger LOG = LoggerFactory.getLogger(FeederProducer.class);

    private final Catalog catalog;
    private final ShardCache cache;
    private final BufferAllocator allocator;
    private volatile List<Location> endpoints = List.of();
    private volatile List<Location> ipcEndpoints = List.of();
    private final int defaultShuffleWindow;
    private final long shuffleWindowBytes;
    private final int readAhead;
    private final long clientMemory;
    private final Duration stallTimeout;
    private final FeederMetrics metrics;
    private final AtomicLong streamIds = new AtomicLong();

    public FeederProducer(Catalog catalog, ShardCache cache, BufferAllocator allocator, Settings config, FeederMetrics metrics) {
        this.catalog = catalog;
        this.cache = cache;
        this.allocator = allocator;
        this.defaultShuffleWindow = config.get(FeederOptions.SHUFFLE_WINDOW);
        this.shuffleWindowBytes = config.get(FeederOptions.SHUFFLE_WINDOW_BYTES);
        this.readAhead = config.get(FeederOptions.READ_AHEAD_WINDOWS);
        this.clientMemory = config.get(FeederOptions.CLIENT_MEMORY);
        this.stallTimeout = config.get(FeederOptions.STALL_TIMEOUT);
        this.metrics = metrics;
    }

    /** The locations GetFlightInfo spreads ranks over; set once the server's port is known. */
    public void setEndpoints(List<Location> locations) {
        this.endpoints = List.copyOf(locations);
    }

    /**
     * The Arrow IPC data plane's locations, one per instance of {@link #setEndpoints} in the same order (or none):
     * each rank's endpoint then lists its instance's Flight location first and its IPC location second.
     */
    public void setIpcEndpoints(List<Location> locations) {
        this.ipcEndpoints = List.copyOf(locations);
    }

    /**
     * Pins what the request leaves open: the latest version when it names none, and the default shuffle window,
     * the smaller of the configured rows and the configured bytes' worth of rows of this table.
     */
    public FeedRequest pin(FeedRequest r) {
        FeedRequest pinned = r.version() == 0 ? r.withVersion(catalog.latest(r.dataset())) : r;
        if (pinned.shuffleWindow() != 0) {
            return pinned;
        }
        return pinned.withShuffleWindow(EpochOrder.defaultWindow(catalog.table(pinned).shards(), defaultShuffleWindow, shuffleWindowBytes));
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        return guarded(() -> {
            FeedRequest request = pin(parse(descriptor));
            Catalog.Table table = catalog.table(request);
            EpochPlan plan = new EpochPlan(table.rows(), request.version(), request.seed(), request.epoch(), request.shuffleWindow());
            List<FlightEndpoint> ranks = new ArrayList<>();
            long records = 0;
            for (int r = 0; r < request.worldSize(); r++) {
                FeedRequest forRank = request.withRank(r);
                records += new RankSchedule(plan.size(), forRank).samples();
                int instance = r % endpoints.size();
                Location[] where = ipcEndpoints.isEmpty() ? new Location[] {endpoints.get(instance)}
                        : new Location[] {endpoints.get(instance), ipcEndpoints.get(instance)};
                ranks.add(new FlightEndpoint(new Ticket(forRank.toJson()), where));
            }
            // The epoch's own size (before drop-last or padding) travels as the plan's metadata.
            byte[] epochSamples = Long.toString(plan.size()).getBytes(StandardCharsets.UTF_8);
            return new FlightInfo(table.schema(), descriptor, ranks, -1, records, true, IpcOption.DEFAULT, epochSamples);
        });
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        return guarded(() -> new SchemaResult(catalog.table(pin(parse(descriptor))).schema()));
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        String peer = context.peerIdentity() == null || context.peerIdentity().isEmpty() ? "anonymous" : context.peerIdentity();
        serve(ticket.getBytes(), peer, listener);
    }

    /**
     * Serves one ticket to a listener: Flight's for DoGet, or the Arrow IPC data plane's ({@link IpcDataPlane}).
     * Runs on the caller's thread until the stream ends; errors go to the listener, never out of this method.
     */
    public void serve(byte[] ticket, String peer, ServerStreamListener listener) {
        long id = streamIds.incrementAndGet();
        FeedRequest request;
        Catalog.Table table;
        try {
            request = FeedRequest.fromJson(ticket);
            if (request.rank() < 0 || request.version() == 0 || request.shuffleWindow() == 0) {
                throw new IllegalArgumentException("a ticket names a rank, a version and a shuffle window: take tickets from GetFlightInfo");
            }
            table = catalog.table(request);
        } catch (RuntimeException e) {
            listener.error(toStatus(e));
            return;
        }
        metrics.streamsStarted.increment();
        metrics.streamsActive.incrementAndGet();
        LOG.debug("Stream {} for {}: {}", id, peer, new String(ticket, StandardCharsets.UTF_8));
        BufferAllocator streamMemory = allocator.newChildAllocator("stream-" + id, 0, clientMemory);
        try {
            new FeedStream(request, catalog, table, cache, readAhead, stallTimeout, metrics.client(peer),
                    metrics.job(request.jobOrDefault())).run(listener, streamMemory);
            metrics.streamsCompleted.increment();
        } catch (CancellationException e) {
            metrics.streamsCancelled.increment();
            LOG.debug("Stream {} cancelled: {}", id, e.getMessage());
        } catch (RuntimeException e) {
            if (listener.isCancelled()) {
                metrics.streamsCancelled.increment();
            } else {
                metrics.streamsFailed.increment();
                LOG.warn("Stream {} ({} {} v{} epoch {} rank {}/{}) failed: {}", id, peer, request.dataset(), request.version(),
                        request.epoch(), request.rank(), request.worldSize(), e.getMessage());
                listener.error(toStatus(e));
            }
        } finally {
            metrics.streamsActive.decrementAndGet();
            try {
                streamMemory.close();
            } catch (IllegalStateException leak) {
                // Buffers of the last batch can still be queued in gRPC for a moment after a cancel.
                LOG.warn("Stream {} closed its allocator with memory outstanding: {}", id, leak.getMessage());
            }
        }
    }

    private static FeedRequest parse(FlightDescriptor descriptor) {
        if (!descriptor.isCommand()) {
            throw new IllegalArgumentException("the descriptor must be a command holding a feed request (JSON)");
        }
        return FeedRequest.fromJson(descriptor.getCommand());
    }

    private static <T> T guarded(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw toStatus(e);
        }
    }

    /** The Flight status a client sees for an error: invalid requests, corrupt data and the rest told apart. */
    public static FlightRuntimeException toStatus(RuntimeException e) {
        if (e instanceof FlightRuntimeException f) {
            return f;
        }
        if (e instanceof IllegalArgumentException) {
            return CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).withCause(e).toRuntimeException();
        }
        // Flight has no data-loss code: a corrupt shard is an internal error whose message says so.
        String prefix = e instanceof ShardIntegrityException ? "" : e.getClass().getSimpleName() + ": ";
        return CallStatus.INTERNAL.withDescription(prefix + e.getMessage()).withCause(e).toRuntimeException();
    }
}
