package io.shardline.feeder.internal;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second data plane: the same tickets and batches as DoGet, as an Arrow IPC stream in an HTTP/1.1 response
 * on a plain TCP connection, which a client reads with {@code pyarrow.ipc.open_stream}. It exists for speed:
 * buffers go from the stream's Arrow memory straight to the socket, without gRPC's framing and copies.
 *
 * <p>Protocol: {@code POST /v1/stream} with the ticket (the JSON of a rank's {@link FeedRequest}, as
 * GetFlightInfo hands it out) as the body and, when tokens are configured, {@code Authorization: Bearer
 * <token>}. A refused request gets a 4xx/5xx status with the reason as text. An accepted one gets {@code 200}
 * with {@code Content-Type: application/vnd.apache.arrow.stream}, and the body is the Arrow IPC stream
 * (schema, one record batch per training batch, end-of-stream marker) followed by one trailer line: {@code
 * shardline-stream: complete} or {@code shardline-stream: failed <reason>}; then the server closes the
 * connection. A client that reaches the end-of-stream marker reads the trailer to learn whether the stream
 * was whole.
 *
 * <p>Threads: one acceptor, one thread per stream (at most {@code ipc-max-streams}), and a watchdog that closes a
 * connection whose write has been blocked longer than the stall timeout (a client that stopped reading), which
 * frees its memory. Backpressure is the socket's: a write blocks while the client's receive window is full, and
 * the next batch is built only after the previous one was handed to the kernel.
 */
public final class IpcDataPlane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IpcDataPlane.class);

    public static final String PATH = "/v1/stream";
    static final String CONTENT_TYPE = "application/vnd.apache.arrow.stream";
    public static final String TRAILER = "shardline-stream: ";
    /** Request line and headers together are at most this long. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    private final Listener server;
    private final FeederProducer producer;
    private final CallHeaderAuthenticator authenticator;
    private final Duration stallTimeout;
    private final Semaphore slots;
    private final ExecutorService streams;
    private final ScheduledExecutorService watchdog;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;

    private IpcDataPlane(Listener server, FeederProducer producer, CallHeaderAuthenticator authenticator,
            Duration stallTimeout, int maxStreams) {
        this.server = server;
        this.producer = producer;
        this.authenticator = authenticator;
        this.stallTimeout = stallTimeout;
        this.slots = new Semaphore(maxStreams);
        AtomicInteger n = new AtomicInteger();
        this.streams = Executors.newCachedThreadPool(r -> daemon(r, "feeder-ipc-stream-" + n.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "feeder-ipc-watchdog"));
        this.acceptor = daemon(this::acceptLoop, "feeder-ipc-acceptor");
    }

    /**
     * Binds and starts accepting: plaintext, or TLS when {@code tls} is given (then {@code https://}).
     * {@code authenticator} is null when no tokens are configured.
     */
    public static IpcDataPlane start(String host, int port, SSLContext tls, FeederProducer producer, CallHeaderAuthenticator authenticator,
            Duration stallTimeout, int maxStreams) throws IOException {
        Listener server = tls == null ? Listener.plain(host, port) : Listener.tls(tls, host, port);
        IpcDataPlane plane = new IpcDataPlane(server, producer, authenticator, stallTimeout, maxStreams);
        plane.acceptor.start();
        long every = Math.max(100, Math.min(1000, stallTimeout.toMillis() / 4));
        plane.watchdog.scheduleWithFixedDelay(plane::closeStalled, every, every, TimeUnit.MILLISECONDS);
        return plane;
    }

    public int port() {
        return server.port();
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return server.tls() ? "https" : "http";
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void acceptLoop() {
        while (!closing) {
            Wire channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("IPC data plane: accept failed: {}", e.getMessage());
                }
                continue;
            }
            Connection c = new Connection(channel);
            if (!slots.tryAcquire()) {
                c.refuse(503, "this feeder serves its most streams at once (shardline.feeder.ipc-max-streams): try again"
                        + " later or use another instance");
                c.close();
                continue;
            }
            open.add(c);
            streams.execute(() -> {
                try {
                    c.handle();
                } finally {
                    open.remove(c);
                    c.close();
                    slots.release();
                }
            });
        }
    }

    private void closeStalled() {
        long now = System.nanoTime();
        for (Connection c : open) {
            long since = c.blockedSince;
            if (since != 0 && now - since > stallTimeout.toNanos()) {
                LOG.info("IPC data plane: a client read nothing for {} s ({}): connection closed",
                        stallTimeout.toSeconds(), FeederOptions.STALL_TIMEOUT.key());
                c.close();
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("IPC data plane: closing the server socket: {}", e.getMessage());
        }
        open.forEach(Connection::close);
        streams.shutdownNow();
        watchdog.shutdownNow();
        try {
            acceptor.join(5000);
            if (!streams.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("IPC data plane: streams still running 10 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One HTTP connection carrying one stream; also the stream's {@link ServerStreamListener}. */
    private final class Connection implements ServerStreamListener, SynchronousListener {

        private final Wire channel;
        private volatile long blockedSince;
        private volatile boolean cancelled;
        private ArrowStreamWriter writer;
        private boolean answered;

        Connection(Wire channel) {
            this.channel = channel;
        }

        void handle() {
            try {
                Request request = Request.read(channel);
                if (request == null) {
                    return;
                }
                if (!request.method.equals("POST") || !request.path.equals(PATH)) {
                    refuse(404, "the Arrow IPC data plane answers POST " + PATH + " with a ticket as the body");
                    return;
                }
                String peer = "anonymous";
                if (authenticator != null) {
                    FlightCallHeaders headers = new FlightCallHeaders();
                    String auth = request.headers.get("authorization");
                    if (auth != null) {
                        headers.insert(org.apache.arrow.flight.auth2.Auth2Constants.AUTHORIZATION_HEADER, auth);
                    }
                    try {
                        peer = authenticator.authenticate(headers).getPeerIdentity();
                    } catch (FlightRuntimeException e) {
                        refuse(401, e.status().description());
                        return;
                    }
                }
                producer.serve(request.body, peer, this);
            } catch (BadRequest e) {
                refuse(400, e.getMessage());
            } catch (IOException e) {
                LOG.debug("IPC data plane: connection ended: {}", e.getMessage());
            }
        }

        /** An HTTP error answer with the reason as text, when no stream has started. */
        void refuse(int status, String reason) {
            if (answered) {
                return;
            }
            answered = true;
            byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            try {
                writeFully(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
                writeFully(ByteBuffer.wrap(body));
                channel.flush();
            } catch (IOException e) {
                LOG.debug("IPC data plane: could not send the refusal: {}", e.getMessage());
            }
        }

        @Override
        public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
            answered = true;
            String head = "HTTP/1.1 200 OK\r\nContent-Type: " + CONTENT_TYPE + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
            try {
                writeFully(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw gone(e);
            }
            writer = new ArrowStreamWriter(root, dictionaries, new WatchedChannel());
            try {
                writer.start();
                channel.flush();
            } catch (IOException e) {
                throw gone(e);
            }
        }

        @Override
        public void putNext() {
            try {
                writer.writeBatch();
                channel.flush();
            } catch (IOException e) {
                throw gone(e);
            }
        }

        @Override
        public void putNext(ArrowBuf metadata) {
            putNext();
        }

        @Override
        public void putMetadata(ArrowBuf metadata) {
            throw new UnsupportedOperationException("the IPC data plane carries no application metadata");
        }

        @Override
        public void completed() {
            finish("complete");
        }

        @Override
        public void error(Throwable t) {
            String reason = t instanceof FlightRuntimeException f ? f.status().description() : String.valueOf(t.getMessage());
            if (!answered) {
                int status = t instanceof FlightRuntimeException f ? httpStatus(f.status().code()) : 500;
                refuse(status, reason);
                return;
            }
            finish("failed " + reason.replace('\n', ' ').replace('\r', ' '));
        }

        private void finish(String outcome) {
            try {
                writer.end();
                writeFully(ByteBuffer.wrap(("\n" + TRAILER + outcome + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.flush();
            } catch (IOException e) {
                LOG.debug("IPC data plane: could not finish the stream: {}", e.getMessage());
            }
        }

        private CancellationException gone(IOException e) {
            cancelled = true;
            return new CancellationException("the client closed the connection: " + e.getMessage());
        }

        @Override
        public boolean isReady() {
            return true; // a blocking write is the backpressure here
        }

        @Override
        public boolean isCancelled() {
            return cancelled || !channel.isOpen();
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            // cancellation shows as a failed write, which ends the stream
        }

        void writeFully(ByteBuffer b) throws IOException {
            blockedSince = System.nanoTime();
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } finally {
                blockedSince = 0;
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("IPC data plane: closing a connection: {}", e.getMessage());
            }
        }

        /** The socket as the IPC writer's channel, with each write watched for stalls. */
        private final class WatchedChannel implements java.nio.channels.WritableByteChannel {
            @Override
            public int write(ByteBuffer src) throws IOException {
                int n = src.remaining();
                writeFully(src);
                return n;
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() {
                // the connection closes the socket
            }
        }
    }

    public static int httpStatus(FlightStatusCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> 400;
            case UNAUTHENTICATED -> 401;
            case UNAUTHORIZED -> 403;
            case NOT_FOUND -> 404;
            case TIMED_OUT -> 504;
            case RESOURCE_EXHAUSTED, UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Internal Server Error";
        };
    }

    /** One accepted connection: bytes in, bytes out, close. */
    public interface Wire extends java.nio.channels.ByteChannel {
        /** Sends what is buffered (TLS); a plain socket buffers nothing. */
        default void flush() throws IOException {}
    }

    /** A connection's two directions, how to flush and close it, and whether it is open. */
    public record StreamWire(java.nio.channels.ReadableByteChannel in, java.nio.channels.WritableByteChannel out, java.io.Flushable flusher,
            java.util.function.BooleanSupplier open, java.io.Closeable socket) implements Wire {

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        public void flush() throws IOException {
            flusher.flush();
        }

        @Override
        public boolean isOpen() {
            return open.getAsBoolean();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The listening socket: a plain channel, or a TLS server socket (whose streams carry the bytes). */
    public interface Listener extends java.io.Closeable {
        Wire accept() throws IOException;

        int port();

        boolean tls();

        static Listener plain(String host, int port) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(host, port));
            return new Listener() {
                @Override
                public Wire accept() throws IOException {
                    SocketChannel c = server.accept();
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                    return new StreamWire(c, c, () -> { }, c::isOpen, c);
                }

                @Override
                public int port() {
                    return server.socket().getLocalPort();
                }

                @Override
                public boolean tls() {
                    return false;
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }
            };
        }

        static Listener tls(SSLContext context, String host, int port) throws IOException {
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            server.bind(new InetSocketAddress(host, port));
            return new Listener() {
                @Override
                public Wire accept() throws IOException {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (java.net.SocketException e) {
                        if (server.isClosed()) {
                            throw new ClosedChannelException();
                        }
                        throw e;
                    }
                    s.setTcpNoDelay(true);
                    s.setSendBufferSize(4 << 20);
                    // Buffered so that the IPC writer's small pieces (prefixes, metadata, padding) share TLS records.
                    java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                    return new StreamWire(java.nio.channels.Channels.newChannel(s.getInputStream()),
                            java.nio.channels.Channels.newChannel(buffered), buffered::flush, () -> !s.isClosed(), s);
                }

                @Override
                public int port() {
                    return server.getLocalPort();
                }

                @Override
                public boolean tls() {
                    return true;
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }
            };
        }
    }

    public static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** An HTTP/1.1 request: method, path, lower-case headers and a body of at most the ticket limit. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body) {

        /** Reads one request; null when the client closed without sending one. */
        static Request read(Wire channel) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            ByteBuffer one = ByteBuffer.allocate(4096);
            byte[] rest = null;
            while (rest == null) {
                one.clear();
                int n = channel.read(one);
                if (n < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new BadRequest("the request ended inside its headers");
                }
                head.write(one.array(), 0, n);
                byte[] sofar = head.toByteArray();
                int end = indexOf(sofar, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (end >= 0) {
                    rest = java.util.Arrays.copyOfRange(sofar, end + 4, sofar.length);
                    head.reset();
                    head.write(sofar, 0, end);
                } else if (sofar.length > MAX_HEADER_BYTES) {
                    throw new BadRequest("request headers longer than " + MAX_HEADER_BYTES + " bytes");
                }
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] first = lines[0].split(" ");
            if (first.length != 3 || !first[2].startsWith("HTTP/1.")) {
                throw new BadRequest("not an HTTP/1.1 request line: " + lines[0]);
            }
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
                }
            }
            int length;
            try {
                length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            } catch (NumberFormatException e) {
                throw new BadRequest("Content-Length is not a number");
            }
            if (length < 0 || length > FeedRequest.MAX_JSON_BYTES) {
                throw new BadRequest("a ticket is at most " + FeedRequest.MAX_JSON_BYTES + " bytes, the request declares " + length);
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            body.put(rest, 0, Math.min(rest.length, length));
            while (body.hasRemaining()) {
                if (channel.read(body) < 0) {
                    throw new BadRequest("the request ended inside its body");
                }
            }
            return new Request(first[0], first[1], headers, body.array());
        }

        public static int indexOf(byte[] data, byte[] pattern) {
            outer:
            for (int i = 0; i + pattern.length <= data.length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (data[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
