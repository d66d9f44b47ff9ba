package io.shardline.bench;

import io.shardline.bench.internal.ProcessCpu;
import io.shardline.bench.internal.Scratch;
import io.shardline.config.Settings;
import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.FeederServer;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.S3Access;
import io.shardline.format.S3Options;
import io.shardline.format.ShardEntry;
import io.shardline.localstack.EmbeddedS3;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * The feeder against its two baselines, in one run on one machine: (a) raw loopback TCP, one stream; (b) the
 * feeder to one consumer and to several, for image-sized samples and for token sequences; (c) a worker reading
 * the same shards itself with parquet-hadoop from the S3-compatible server. Datasets live on the embedded
 * S3-compatible server, as they would on object storage.
 *
 * <p>Its components are the {@code shardline bench} command's flags of the same names.
 */
public record FeederBench(int images, int imageBytes, int sequences, int sequenceLength, int consumers, int batchSize, int repeat,
        Path dataDir) {

    /** What one A100 consumes training ResNet-50, images per second. */
    static final double A100_IMAGES_PER_SECOND = 2_470;

    /** Bytes and samples moved in a time, with the process CPU time it took. */
    record Rate(long bytes, long samples, double seconds, double cpuSeconds, double firstBatchSeconds) {
        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }

        double samplesPerSecond() {
            return samples / seconds;
        }
    }

    /** Runs the benchmark and prints its tables; the exit code: 0 when every check held. */
    public int run(PrintStream out) throws Exception {
        Path dir = dataDir.toAbsolutePath().normalize();
        Scratch.clear(dir);
        out.printf("shardline bench feeder: %d cores, heap %,d MB; %,d images of %,d bytes, %,d sequences of %,d tokens, batch %d, %d consumers, median of %d%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, images, imageBytes, sequences,
                sequenceLength, batchSize, consumers, repeat);
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), "bench-access", "bench-secret-key", "bench")) {
            S3Access access = new S3Access(Optional.of(s3.endpoint()), "us-east-1", true, Optional.of(s3.accessKey()),
                    Optional.of(s3.secretKey()));
            Configuration hadoop = access.hadoopConfig();
            DatasetStore imageStore = new DatasetStore("images", URI.create("s3a://bench/datasets/images"), hadoop, 16 << 20);
            DatasetStore tokenStore = new DatasetStore("tokens", URI.create("s3a://bench/datasets/tokens"), hadoop, 16 << 20);
            out.println("Writing the datasets to the S3-compatible server ...");
            DatasetManifest imageVersion = SyntheticShards.images(dir.resolve("local-images"), imageStore, images, imageBytes,
                    Math.max(1, (64 << 20) / imageBytes));
            DatasetManifest tokenVersion = SyntheticShards.tokens(dir.resolve("local-tokens"), tokenStore, sequences, sequenceLength,
                    Math.max(1, (64 << 20) / (sequenceLength * 4)));
            out.printf("  images: %d shards, %.0f MB; tokens: %d shards, %.0f MB%n", imageVersion.shards().size(),
                    imageVersion.totalBytes() / 1e6, tokenVersion.shards().size(), tokenVersion.totalBytes() / 1e6);

            Rate loopback = median(() -> loopback(1L << 31));
            out.printf("(a) loopback TCP, one stream, 256 KB buffers: %,.0f MB/s%n", loopback.mbPerSecond());
            Rate flight = median(() -> flightCeiling(batchSize, imageBytes, Math.max(1, (int) ((1L << 30) / ((long) batchSize * imageBytes)))));
            out.printf("(d) Arrow Flight itself, one stream of prepared %d x %,d byte batches, one connection: %,.0f MB/s (%.2f of a)%n",
                    batchSize, imageBytes, flight.mbPerSecond(), flight.mbPerSecond() / loopback.mbPerSecond());

            Settings config = FeederOptions.loader().of(Map.of(
                    FeederOptions.DATASETS.key(), "images=s3a://bench/datasets/images,tokens=s3a://bench/datasets/tokens",
                    FeederOptions.PORT.key(), "0", FeederOptions.METRICS_PORT.key(), "-1", FeederOptions.IPC_PORT.key(), "0",
                    FeederOptions.CACHE_SIZE.key(), "3gb", FeederOptions.CLIENT_MEMORY.key(), "256mb",
                    S3Options.ENDPOINT.key(), s3.endpoint(), S3Options.PATH_STYLE.key(), "true",
                    S3Options.ACCESS_KEY.key(), s3.accessKey(), S3Options.SECRET_KEY.key(), s3.secretKey()));
            for (DatasetManifest m : List.of(imageVersion, tokenVersion)) {
                String table = m == imageVersion ? "image" : "text-tokens";
                List<String> columns = m == imageVersion ? List.of("id", "label", "image") : List.of("sequence_id", "tokens");
                DatasetStore store = m == imageVersion ? imageStore : tokenStore;
                out.printf("%n%s (%s):%n", m.dataset(), table);
                Rate worker = median(() -> workerRead(store, m, hadoop));
                out.printf("  (c) worker reading the shards itself (parquet-hadoop, S3A): %,.0f MB/s, %,.0f samples/s%n",
                        worker.mbPerSecond(), worker.samplesPerSecond());
                Rate cold = coldEpoch(config, m, table, columns, 0);
                out.printf("  (b) feeder, first epoch of a fresh feeder (download, verify, decode): %,.0f MB/s; first batch after %.0f ms%n",
                        cold.mbPerSecond(), cold.firstBatchSeconds() * 1000);
                // A first batch waits for the shards of its shuffle window: a smaller window starts sooner.
                Rate smallWindow = coldEpoch(config, m, table, columns, 1024);
                out.printf("  (b) feeder, first epoch of a fresh feeder with a shuffle window of 1,024 rows: first batch after %.0f ms%n",
                        smallWindow.firstBatchSeconds() * 1000);
                Rate one;
                Rate many;
                try (FeederServer feeder = FeederServer.start(config); BufferAllocator allocator = new RootAllocator()) {
                    // One connection per consumer, kept across epochs as a training job keeps it.
                    List<FeederClient> clients = new ArrayList<>();
                    for (int i = 0; i < consumers; i++) {
                        clients.add(FeederClient.connect(feeder.location(), allocator, Optional.empty(), Optional.empty()));
                    }
                    try {
                        long[] epoch = {0};
                        read(clients, m, table, columns, 1, epoch[0]++, 0); // loads the cache
                        one = median(() -> read(clients, m, table, columns, 1, epoch[0]++, 0));
                        many = median(() -> read(clients, m, table, columns, consumers, epoch[0]++, 0));
                    } finally {
                        clients.forEach(FeederClient::close);
                    }
                }
                out.printf("  (b) feeder to 1 consumer: %,.0f MB/s, %,.0f samples/s; first batch after %.0f ms; %,.0f samples per CPU-second%n",
                        one.mbPerSecond(), one.samplesPerSecond(), one.firstBatchSeconds() * 1000, one.samples() / one.cpuSeconds());
                out.printf("  (b) feeder to %d consumers: %,.0f MB/s, %,.0f samples/s in all%n", consumers, many.mbPerSecond(),
                        many.samplesPerSecond());
                out.printf("  b/a = %.2f (1 consumer), %.2f (%d); b/c = %.2f (1 consumer), %.2f (%d); b/d = %.2f (1 consumer)%n",
                        one.mbPerSecond() / loopback.mbPerSecond(), many.mbPerSecond() / loopback.mbPerSecond(), consumers,
                        one.mbPerSecond() / worker.mbPerSecond(), many.mbPerSecond() / worker.mbPerSecond(), consumers,
                        one.mbPerSecond() / flight.mbPerSecond());
                if (m == imageVersion) {
                    // CPU of the whole process (feeder and consumer in one JVM): an upper bound on the feeder's share.
                    double imagesPerCpuSecond = one.samples() / one.cpuSeconds();
                    out.printf("  GPUs at %,.0f images/s kept fed per feeder core: %.1f (at most, from %,.0f images per CPU-second,"
                            + " consumer included)%n", A100_IMAGES_PER_SECOND, imagesPerCpuSecond / A100_IMAGES_PER_SECOND, imagesPerCpuSecond);
                }
            }
        }
        return 0;
    }

    private interface Measurement {
        Rate run() throws Exception;
    }

    private Rate median(Measurement m) throws Exception {
        List<Rate> rates = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            rates.add(m.run());
        }
        rates.sort(Comparator.comparingDouble(Rate::mbPerSecond));
        return rates.get(rates.size() / 2);
    }

    /** (a) One TCP stream on loopback, Java NIO, 256 KB buffers: the ceiling for any single-stream protocol. */
    private Rate loopback(long bytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ExecutorService sender = Executors.newSingleThreadExecutor();
            try {
                Future<?> sent = sender.submit(() -> {
                    try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                        ByteBuffer buf = ByteBuffer.allocateDirect(256 << 10);
                        for (long left = bytes; left > 0; left -= buf.capacity()) {
                            buf.clear();
                            while (buf.hasRemaining()) {
                                out.write(buf);
                            }
                        }
                    }
                    return null;
                });
                long cpu = ProcessCpu.nanos();
                long start = System.nanoTime();
                long received = 0;
                try (SocketChannel in = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(256 << 10);
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        received += n;
                        buf.clear();
                    }
                }
                sent.get();
                return new Rate(received, 0, (System.nanoTime() - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, 0);
            } finally {
                sender.shutdownNow();
            }
        }
    }

    /**
     * (d) Arrow Flight Java alone: a producer that sends the same prepared batch of one binary column again and
     * again to a client in this JVM. What any Flight server can reach here; the feeder adds planning, gathering
     * rows from decoded shards and backpressure on top.
     */
    private Rate flightCeiling(int rows, int valueBytes, int batches) throws Exception {
        Schema schema = new Schema(List.of(Field.notNullable("image", ArrowType.Binary.INSTANCE)));
        byte[] value = new byte[valueBytes];
        new SplittableRandom(1).nextBytes(value);
        try (BufferAllocator allocator = new RootAllocator()) {
            FlightProducer producer = new NoOpFlightProducer() {
                @Override
                public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
                    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                        listener.start(root);
                        VarBinaryVector v = (VarBinaryVector) root.getVector(0);
                        for (int b = 0; b < batches; b++) {
                            v.allocateNew((long) rows * valueBytes, rows);
                            for (int i = 0; i < rows; i++) {
                                v.set(i, value);
                            }
                            v.setValueCount(rows);
                            root.setRowCount(rows);
                            listener.putNext();
                        }
                        listener.completed();
                    }
                }
            };
            try (FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), producer).build().start();
                    FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build()) {
                long cpu = ProcessCpu.nanos();
                long start = System.nanoTime();
                long bytes = 0;
                try (FlightStream stream = client.getStream(new Ticket(new byte[] {1}))) {
                    while (stream.next()) {
                        bytes += sumLengths((VarBinaryVector) stream.getRoot().getVector(0));
                    }
                }
                return new Rate(bytes, (long) rows * batches, (System.nanoTime() - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, 0);
            }
        }
    }

    /** (c) What a training worker gets reading the shards itself: parquet-hadoop, row by row, through S3A. */
    private Rate workerRead(DatasetStore store, DatasetManifest m, Configuration hadoop) throws Exception {
        long cpu = ProcessCpu.nanos();
        long start = System.nanoTime();
        long bytes = 0;
        long rows = 0;
        double first = -1;
        for (ShardEntry s : m.shards()) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), store.resolve(s.path())).withConf(hadoop).build()) {
                Group g;
                while ((g = reader.read()) != null) {
                    if (first < 0) {
                        first = (System.nanoTime() - start) / 1e9;
                    }
                    bytes += payloadBytes(g);
                    rows++;
                }
            }
        }
        return new Rate(bytes, rows, (System.nanoTime() - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, first);
    }

    /** The bytes of a row's main payload (image bytes, or four per token), as the feeder's batches count them. */
    private static long payloadBytes(Group g) {
        if (g.getType().containsField("image")) {
            return g.getBinary("image", 0).length();
        }
        return 4L * g.getGroup("tokens", 0).getFieldRepetitionCount(0);
    }

    /** One epoch from a feeder that has just started: every shard downloaded, verified and decoded on the way. */
    private Rate coldEpoch(Settings config, DatasetManifest m, String table, List<String> columns, int shuffleWindow)
            throws Exception {
        try (FeederServer feeder = FeederServer.start(config); BufferAllocator allocator = new RootAllocator();
                FeederClient client = FeederClient.connect(feeder.location(), allocator, Optional.empty(), Optional.empty())) {
            return read(List.of(client), m, table, columns, 1, 0, shuffleWindow);
        }
    }

    /** (b) One epoch through the feeder, by {@code ranks} consumers on their own connections, in parallel. */
    private Rate read(List<FeederClient> clients, DatasetManifest m, String table, List<String> columns, int ranks, long epoch,
            int shuffleWindow) throws Exception {
        FeedRequest request = FeedRequest.of(m.dataset(), m.version(), table, 1, epoch, ranks, batchSize).withColumns(columns)
                .withShuffleWindow(shuffleWindow);
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            FlightInfo plan = clients.get(0).plan(request);
            long cpu = ProcessCpu.nanos();
            long start = System.nanoTime();
            List<Future<long[]>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                FeederClient client = clients.get(r);
                FlightEndpoint e = plan.getEndpoints().get(r);
                results.add(pool.submit(() -> {
                    long bytes = 0;
                    long samples = 0;
                    long first = -1;
                    try (FeederClient.RankStream s = client.open(e)) {
                        while (s.next()) {
                            if (first < 0) {
                                first = System.nanoTime() - start;
                            }
                            samples += s.batch().getRowCount();
                            bytes += payloadBytes(s.batch().getFieldVectors());
                        }
                    }
                    return new long[] {bytes, samples, first};
                }));
            }
            long bytes = 0;
            long samples = 0;
            long first = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get();
                bytes += r[0];
                samples += r[1];
                first = Math.max(first, r[2]);
            }
            return new Rate(bytes, samples, (System.nanoTime() - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, first / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bytes of the payload column of a batch (image bytes, or the token list's values), comparable with {@link #payloadBytes(Group)}. */
    private static long payloadBytes(List<FieldVector> vectors) {
        for (FieldVector v : vectors) {
            if (v.getName().equals("image")) {
                return sumLengths((VarBinaryVector) v);
            }
            if (v.getName().equals("tokens")) {
                ListVector list = (ListVector) v;
                return list.getValueCount() == 0 ? 0
                        : 4L * (list.getOffsetBuffer().getInt((long) list.getValueCount() * 4) - list.getOffsetBuffer().getInt(0));
            }
        }
        return 0;
    }

    private static long sumLengths(VarBinaryVector v) {
        return v.getValueCount() == 0 ? 0 : v.getOffsetBuffer().getInt((long) v.getValueCount() * 4) - v.getOffsetBuffer().getInt(0);
    }
}
