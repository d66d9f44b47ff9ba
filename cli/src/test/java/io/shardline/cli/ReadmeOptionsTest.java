package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.feeder.FeederOptions;
import io.shardline.pipeline.OptionsCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's options table is generated from the options classes; this keeps the two the same. */
class ReadmeOptionsTest {

    @Test
    void readmeTableMatchesTheOptionsClasses() throws Exception {
        assertThat(between("options")).as("README options table; regenerate it with ./shardline options")
                .isEqualTo(OptionsCatalog.markdownTable());
    }

    @Test
    void readmeFeederTableMatchesTheFeederOptions() throws Exception {
        assertThat(between("feeder-options")).as("README feeder options table; regenerate it with ./shardline options --feeder")
                .isEqualTo(FeederOptions.markdownTable());
    }

    private static String between(String marker) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- " + marker + ":begin -->\n";
        int from = readme.indexOf(begin);
        int to = readme.indexOf("<!-- " + marker + ":end -->");
        assertThat(from).as("README has the %s markers", marker).isPositive();
        return readme.substring(from + begin.length(), to);
    }
}
