package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.feeder.internal.IpcDataPlane;
import io.shardline.testkit.ShardFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Arrow IPC data plane spoken by hand over a socket, read back with Arrow Java's own IPC reader: the same
 * batches as DoGet, the trailer, and every refusal with its status and reason.
 */
class IpcDataPlaneITCase {

    @TempDir
    static Path tmp;
    static FeederServer server;
    static FeederServer secured;
    static BufferAllocator allocator;

    @BeforeAll
    static void start() throws IOException {
        Path root = tmp.resolve("images");
        ShardFixtures.write(root, "images", FeederITCase.ROWS, FeederITCase.IMAGE_BYTES, 40_000);
        Path tokens = Files.writeString(tmp.resolve("tokens"), "ipc-test-token\n");
        server = FeederServer.start(FeederITCase.config(root).build());
        secured = FeederServer.start(FeederITCase.config(root).set(FeederOptions.AUTH_TOKENS_FILE, tokens).build());
        allocator = new RootAllocator();
    }

    @AfterAll
    static void stop() {
        allocator.close();
        server.close();
        secured.close(); // both throw if any Arrow memory leaked
    }

    /** A raw HTTP answer: status line, and the body as bytes. */
    record Answer(String status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Answer post(int port, String path, byte[] body, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length + "\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            byte[] all = s.getInputStream().readAllBytes();
            int end = IpcDataPlane.Request.indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(end).as("an HTTP answer with headers").isPositive();
            String headText = new String(all, 0, end, StandardCharsets.US_ASCII);
            return new Answer(headText.split("\r\n")[0], java.util.Arrays.copyOfRange(all, end + 4, all.length));
        }
    }

    /** The ids of every batch of an IPC body, images checked; the bytes left after the stream (the trailer). */
    static List<List<String>> read(byte[] body, StringBuilder trailer) throws IOException {
        List<List<String>> batches = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(body);
        try (ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            while (reader.loadNextBatch()) {
                batches.add(FeederITCase.ids(reader.getVectorSchemaRoot()));
            }
            trailer.append(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        return batches;
    }

    @Test
    void aTicketGivesTheSameBatchesAsDoGetThenTheTrailer() throws Exception {
        try (FeederClient client = FeederClient.connect(server.location(), allocator, Optional.empty(), Optional.empty())) {
            FlightInfo plan = client.plan(FeedRequest.of("images", 0, "image", 4, 0, 2, 10));
            for (FlightEndpoint endpoint : plan.getEndpoints()) {
                List<Location> where = endpoint.getLocations();
                assertThat(where).hasSize(2);
                URI ipc = where.get(1).getUri();
                assertThat(ipc.getScheme()).isEqualTo("http");
                assertThat(ipc.getPath()).isEqualTo(IpcDataPlane.PATH);
                Answer answer = post(ipc.getPort(), ipc.getPath(), endpoint.getTicket().getBytes());
                assertThat(answer.status()).isEqualTo("HTTP/1.1 200 OK");
                StringBuilder trailer = new StringBuilder();
                List<List<String>> overIpc = read(answer.body(), trailer);
                assertThat(trailer.toString()).isEqualTo(IpcDataPlane.TRAILER + "complete");
                List<List<String>> overFlight = FeederITCase.readRank(client, FeedRequest.fromJson(endpoint.getTicket().getBytes()));
                assertThat(overIpc).isNotEmpty().isEqualTo(overFlight);
            }
        }
    }

    @Test
    void refusalsCarryAStatusAndTheReason() throws Exception {
        long started = server.metrics().streamsStarted.sum() + secured.metrics().streamsStarted.sum();
        int port = server.ipcPort();
        byte[] ticket = FeedRequest.of("images", 1, "image", 4, 0, 1, 10).withRank(0).withShuffleWindow(300).toJson();
        Answer wrongPath = post(port, "/v2/else", ticket);
        assertThat(wrongPath.status()).startsWith("HTTP/1.1 404");
        assertThat(wrongPath.text()).contains("POST " + IpcDataPlane.PATH);
        Answer notATicket = post(port, IpcDataPlane.PATH, "{\"dataset\":".getBytes(StandardCharsets.UTF_8));
        assertThat(notATicket.status()).startsWith("HTTP/1.1 400");
        assertThat(notATicket.text()).contains("not a feed request");
        Answer noRank = post(port, IpcDataPlane.PATH, FeedRequest.of("images", 1, "image", 4, 0, 1, 10).toJson());
        assertThat(noRank.status()).startsWith("HTTP/1.1 400");
        assertThat(noRank.text()).contains("take tickets from GetFlightInfo");
        Answer unknown = post(port, IpcDataPlane.PATH, FeedRequest.of("nope", 1, "image", 4, 0, 1, 10).withRank(0).withShuffleWindow(300).toJson());
        assertThat(unknown.status()).startsWith("HTTP/1.1 400");
        assertThat(unknown.text()).contains("no dataset 'nope'");
        Answer tooLong = post(port, IpcDataPlane.PATH, new byte[0], "X-Padding: " + "x".repeat(IpcDataPlane.MAX_HEADER_BYTES));
        assertThat(tooLong.status()).startsWith("HTTP/1.1 400");
        // The tokens of the Flight side guard this side too; the token shows in no answer.
        int guarded = secured.ipcPort();
        Answer none = post(guarded, IpcDataPlane.PATH, ticket);
        assertThat(none.status()).startsWith("HTTP/1.1 401");
        Answer wrong = post(guarded, IpcDataPlane.PATH, ticket, "Authorization: Bearer not-it");
        assertThat(wrong.status()).startsWith("HTTP/1.1 401");
        assertThat(wrong.text()).doesNotContain("ipc-test-token");
        Answer right = post(guarded, IpcDataPlane.PATH, ticket, "Authorization: Bearer ipc-test-token");
        assertThat(right.status()).isEqualTo("HTTP/1.1 200 OK");
        StringBuilder trailer = new StringBuilder();
        long rows = read(right.body(), trailer).stream().mapToLong(List::size).sum();
        assertThat(rows).isEqualTo(FeederITCase.total() / 10 * 10);
        assertThat(trailer.toString()).isEqualTo(IpcDataPlane.TRAILER + "complete");
        assertThat(server.metrics().streamsStarted.sum() + secured.metrics().streamsStarted.sum())
                .as("only accepted tickets start streams").isEqualTo(started + 1);
    }
}
