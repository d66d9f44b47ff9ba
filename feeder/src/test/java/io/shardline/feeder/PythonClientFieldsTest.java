package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Python client builds requests and cursors itself (pyarrow cannot run in this build): its field names
 * must be exactly the server's, or a request would be refused and a cursor misread.
 */
class PythonClientFieldsTest {

    static List<String> pythonTuple(String source, String name) {
        Matcher m = Pattern.compile(name + " = \\(([^)]*)\\)", Pattern.DOTALL).matcher(source);
        assertThat(m.find()).as("%s in the Python client", name).isTrue();
        List<String> out = new ArrayList<>();
        Matcher s = Pattern.compile("\"([a-z_]+)\"").matcher(m.group(1));
        while (s.find()) {
            out.add(s.group(1));
        }
        return out;
    }

    static List<String> jsonFields(byte[] json) throws Exception {
        List<String> out = new ArrayList<>();
        new ObjectMapper().readTree(json).fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void requestAndCursorFieldsMatchTheServer() throws Exception {
        String source = Files.readString(Path.of("..", "python", "shardline_feeder", "request.py"));
        FeedRequest request = new FeedRequest("d", 1, "image", List.of("id"), 1, 2, 4, 0, 8, 100, true, 0).withJob("llm-7b/run-3");
        assertThat(pythonTuple(source, "REQUEST_FIELDS")).containsExactlyInAnyOrderElementsOf(jsonFields(request.toJson()));
        assertThat(pythonTuple(source, "CURSOR_FIELDS")).containsExactlyInAnyOrderElementsOf(jsonFields(request.cursorAfter(3).toJson()));
        // What the Python client sends, byte for byte as its to_json writes it, is a request the server reads.
        String fromPython = "{\"dataset\":\"images\",\"version\":0,\"table\":\"image\",\"columns\":[\"image\",\"label\"],\"seed\":42,"
                + "\"epoch\":0,\"world_size\":8,\"rank\":-1,\"batch_size\":32,\"shuffle_window\":0,\"drop_last\":true,\"consumed\":0}";
        FeedRequest parsed = FeedRequest.fromJson(fromPython.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(parsed.worldSize()).isEqualTo(8);
        assertThat(parsed.columns()).containsExactly("image", "label");
    }
}
