package io.shardline.feeder;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The Java client of the feeder: asks any instance for a rank's endpoint and reads that rank's batches from
 * the instance the endpoint names. One client per process is enough; it keeps one connection per instance.
 *
 * <pre>{@code
 * try (FeederClient client = FeederClient.connect(location, allocator, Optional.empty(), Optional.empty());
 *      FeederClient.RankStream s = client.open(FeedRequest.of("images", 0, "image", seed, epoch, world, 32).withRank(rank))) {
 *     while (s.next()) {
 *         VectorSchemaRoot batch = s.batch(); // valid until the next call to next()
 *     }
 * }
 * }</pre>
 */
public final class FeederClient implements AutoCloseable {

    private final BufferAllocator allocator;
    private final Location entry;
    private final Optional<String> token;
    private final Optional<byte[]> trustedCertificates;
    private final Map<Location, FlightClient> clients = new HashMap<>();

    private FeederClient(Location entry, BufferAllocator allocator, Optional<String> token, Optional<byte[]> trustedCertificates) {
        this.entry = entry;
        this.allocator = allocator;
        this.token = token;
        this.trustedCertificates = trustedCertificates;
    }

    /**
     * @param entry any feeder instance
     * @param allocator where received batches live
     * @param token bearer token, when the feeder asks for one
     * @param trustedCertificates PEM certificates to trust for TLS, when the feeder's are not signed by a public CA
     */
    public static FeederClient connect(Location entry, BufferAllocator allocator, Optional<String> token, Optional<byte[]> trustedCertificates) {
        return new FeederClient(entry, allocator, token, trustedCertificates);
    }

    private synchronized FlightClient client(Location location) {
        return clients.computeIfAbsent(location, l -> {
            FlightClient.Builder b = FlightClient.builder(allocator, l);
            trustedCertificates.ifPresent(pem -> b.trustedCertificates(new ByteArrayInputStream(pem)));
            return b.build();
        });
    }

    private CallOption[] options() {
        return token.map(t -> new CallOption[] {new CredentialCallOption(new BearerCredentialWriter(t))}).orElse(new CallOption[0]);
    }

    /** The plan of a request (its rank ignored): the version pinned, one endpoint per rank, the total samples. */
    public FlightInfo plan(FeedRequest request) {
        return client(entry).getInfo(FlightDescriptor.command(request.withRank(-1).toJson()), options());
    }

    /** The request as the feeder pinned it (version, shuffle window): what a cursor of this run refers to. */
    public static FeedRequest pinned(FlightInfo plan) {
        return FeedRequest.fromJson(plan.getEndpoints().get(0).getTicket().getBytes()).withRank(-1);
    }

    /** Samples in the epoch of a plan's version and table, before drop-last or padding. */
    public static long epochSamples(FlightInfo plan) {
        return Long.parseLong(new String(plan.getAppMetadata(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Opens this request's rank's stream, on the instance the plan assigns to it. */
    public RankStream open(FeedRequest request) {
        if (request.rank() < 0) {
            throw new IllegalArgumentException("open() reads one rank: give the request a rank");
        }
        return open(plan(request).getEndpoints().get(request.rank()));
    }

    /** Opens an endpoint of a plan. */
    public RankStream open(FlightEndpoint endpoint) {
        Location at = endpoint.getLocations().isEmpty() ? entry : endpoint.getLocations().get(0);
        return new RankStream(client(at).getStream(endpoint.getTicket(), options()));
    }

    /** One rank's batches. */
    public static final class RankStream implements AutoCloseable {
        private final FlightStream stream;

        private RankStream(FlightStream stream) {
            this.stream = stream;
        }

        /** Moves to the next batch; false at the end of the rank's share. Throws the feeder's error, if any. */
        public boolean next() {
            return stream.next();
        }

        /** The current batch; its contents are replaced by the next call to {@link #next}. */
        public VectorSchemaRoot batch() {
            return stream.getRoot();
        }

        /** Stops the stream early; the feeder frees what it held for it. */
        public void cancel(String why) {
            stream.cancel(why, null);
        }

        @Override
        public void close() {
            try {
                stream.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException("closing a stream: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            for (FlightClient c : clients.values()) {
                c.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.clear();
    }
}
