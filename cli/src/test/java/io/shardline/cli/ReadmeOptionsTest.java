package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.pipeline.OptionsCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's options table is generated from the options classes; this keeps the two the same. */
class ReadmeOptionsTest {

    @Test
    void readmeTableMatchesTheOptionsClasses() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- options:begin -->\n";
        String end = "<!-- options:end -->";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertThat(from).as("README has the options markers").isPositive();
        assertThat(readme.substring(from + begin.length(), to))
                .as("README options table; regenerate it with ./shardline options")
                .isEqualTo(OptionsCatalog.markdownTable());
    }
}
