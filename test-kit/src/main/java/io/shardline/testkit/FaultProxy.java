package io.shardline.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy in front of an S3-compatible server that fails on demand, as object stores do: an outage (every
 * request answered by a closed connection), a share of requests answered {@code 503 Slow Down} (S3's throttling
 * answer, which clients retry), every request refused with {@code 403 Access Denied} (credentials that lost their
 * rights: an answer clients do not retry), or PUTs slowed down. Listens on 127.0.0.1 and an ephemeral port; clients are
 * configured with its endpoint instead of the server's.
 *
 * <p>It reads each request's head to decide (clients of S3 send one request at a time on a connection) and
 * passes everything else through as bytes: request bodies by their {@code Content-Length} or chunks, responses
 * untouched.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to the requests that reach it now. */
    public enum Mode {
        /** Everything passes. */
        PASS,
        /** Every connection is closed before any answer: the store is unreachable. */
        OUTAGE,
        /** A share of requests (see {@link #slowDownShare}) is answered 503 Slow Down; the rest passes. */
        SLOW_DOWN,
        /** Every PUT waits {@link #putDelayMillis} before it is forwarded. */
        SLOW_PUTS,
        /** Every request is answered 403 Access Denied. */
        DENY
    }

    private static final byte[] SLOW_DOWN_BODY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
    private static final byte[] ACCESS_DENIED_BODY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
            + "<Message>Access Denied</Message></Error>").getBytes(StandardCharsets.UTF_8);

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread acceptor;
    private volatile Mode mode = Mode.PASS;
    private volatile double slowDownShare = 0.05;
    private volatile long putDelayMillis = 1_000;

    private FaultProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
        this.acceptor = new Thread(this::accept, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** Starts a proxy to the server at {@code host:port}. */
    public static FaultProxy start(String host, int port) {
        try {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy p = new FaultProxy(s, new InetSocketAddress(host, port));
            p.acceptor.start();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fault proxy's port", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint clients use. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Switches what happens to the requests from now on; connections open now are closed (an outage begins). */
    public void mode(Mode next) {
        mode = next;
        if (next == Mode.OUTAGE) {
            open.forEach(FaultProxy::closeQuietly);
        }
    }

    public void slowDownShare(double share) {
        this.slowDownShare = share;
    }

    public void putDelayMillis(long millis) {
        this.putDelayMillis = millis;
    }

    /** Requests seen so far. */
    public long requests() {
        return requests.get();
    }

    /** Requests (and connections, in an outage) the proxy failed on purpose so far. */
    public long failed() {
        return failed.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (mode == Mode.OUTAGE) {
                    failed.incrementAndGet();
                    closeQuietly(client);
                    continue;
                }
                Thread t = new Thread(() -> serve(client), "fault-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One client connection: its own upstream connection, requests read head by head, answers passed back raw. */
    private void serve(Socket client) {
        open.add(client);
        try (client; Socket up = new Socket()) {
            up.connect(upstream, 10_000);
            open.add(up);
            InputStream in = client.getInputStream();
            OutputStream toUp = up.getOutputStream();
            Thread answers = new Thread(() -> pump(up, client), "fault-proxy-answers");
            answers.setDaemon(true);
            answers.start();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                requests.incrementAndGet();
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String method = text.substring(0, Math.max(0, text.indexOf(' ')));
                Mode now = mode;
                if (now == Mode.OUTAGE || now == Mode.DENY
                        || (now == Mode.SLOW_DOWN && ThreadLocalRandom.current().nextDouble() < slowDownShare)) {
                    failed.incrementAndGet();
                    if (now == Mode.SLOW_DOWN) {
                        answer(client, "503 Slow Down", SLOW_DOWN_BODY, method);
                    } else if (now == Mode.DENY) {
                        answer(client, "403 Forbidden", ACCESS_DENIED_BODY, method);
                    }
                    return; // the body, if any, is not read: the connection ends here
                }
                if (now == Mode.SLOW_PUTS && method.equals("PUT")) {
                    Thread.sleep(putDelayMillis);
                }
                toUp.write(head);
                copyBody(text, in, toUp);
                toUp.flush();
            }
        } catch (IOException e) {
            // a side closed: the connection is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    /** An S3 error answer, after which the connection closes; an answer to a HEAD request has no body. */
    private static void answer(Socket client, String status, byte[] body, String method) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        if (!method.equals("HEAD")) {
            out.write(body);
        }
        out.flush();
    }

    /** The request head up to and including its blank line, or null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0D0A0D0A) { // CR LF CR LF
                return head.toByteArray();
            }
            if (head.size() > 64 * 1024) {
                throw new IOException("request head over 64 KiB");
            }
        }
        return head.size() == 0 ? null : head.toByteArray();
    }

    /** Forwards the body the head announces: {@code Content-Length} bytes, or chunks up to the last one. */
    private static void copyBody(String head, InputStream in, OutputStream out) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        long length = 0;
        boolean chunked = false;
        for (String line : lower.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            copy(in, out, length);
            return;
        }
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            long size = Long.parseLong(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copy(in, out, size + 2); // the chunk and its CRLF
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                s.append((char) b);
            }
        }
        if (b < 0) {
            throw new IOException("connection closed inside a chunked body");
        }
        return s.toString();
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("connection closed inside a request body");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // a side closed
        } finally {
            open.remove(from);
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
    }
}
