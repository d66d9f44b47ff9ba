package io.shardline.preprocess.internal.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSeriesTest {

    final List<DeviceSeries.Window> windows = new ArrayList<>();
    int mismatches;

    final DeviceSeries.Sink sink = new DeviceSeries.Sink() {
        @Override
        public void window(DeviceSeries.Window w) {
            windows.add(w);
        }

        @Override
        public void mismatch() {
            mismatches++;
        }
    };

    void add(DeviceSeries s, long t, double a, double b, int length, int stride) {
        s.add(t, new String[] {"b", "a"}, new double[] {b, a}, 100, 1000, length, stride, sink);
    }

    @Test
    void interpolatesLinearlyOntoTheGrid() {
        DeviceSeries s = new DeviceSeries();
        add(s, 0, 0, 0, 11, 11);
        add(s, 1000 - 1, 9.99, -9.99, 11, 11); // no grid point at 999 beyond 900
        add(s, 1000, 10, -10, 11, 11);
        assertThat(windows).hasSize(1);
        DeviceSeries.Window w = windows.get(0);
        assertThat(w.channels()).containsExactly("a", "b");
        assertThat(w.times()).containsExactly(0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000);
        for (int i = 0; i <= 10; i++) {
            assertThat(w.values()[2 * i]).isCloseTo(i, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(w.values()[2 * i + 1]).isCloseTo(-i, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void readingsOffTheGridAreInterpolatedBetweenNeighbours() {
        DeviceSeries s = new DeviceSeries();
        add(s, 50, 1, 0, 2, 2);   // grid starts at 100
        add(s, 250, 3, 0, 2, 2);  // 100 -> 1.5, 200 -> 2.5
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).times()).containsExactly(100, 200);
        assertThat(windows.get(0).values()[0]).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(windows.get(0).values()[2]).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void strideOverlapsOrSkipsAndGapsSplit() {
        DeviceSeries s = new DeviceSeries();
        for (long t = 0; t <= 900; t += 100) {
            add(s, t, t, 0, 4, 2);
        }
        assertThat(windows).extracting(w -> w.times()[0]).containsExactly(0L, 200L, 400L, 600L);
        windows.clear();
        add(s, 5000, 0, 0, 4, 2); // a gap over the limit: a new segment, nothing carried over
        add(s, 5100, 0, 0, 4, 2);
        add(s, 5200, 0, 0, 4, 2);
        assertThat(windows).isEmpty();
        add(s, 5300, 0, 0, 4, 2);
        assertThat(windows).extracting(w -> w.times()[0]).containsExactly(5000L);

        DeviceSeries sparse = new DeviceSeries();
        windows.clear();
        for (long t = 0; t <= 1000; t += 100) {
            add(sparse, t, t, 0, 2, 3);
        }
        assertThat(windows).extracting(w -> w.times()[0]).containsExactly(0L, 300L, 600L, 900L);
    }

    @Test
    void readingsWithOtherChannelsDoNotJoinTheSeries() {
        DeviceSeries s = new DeviceSeries();
        add(s, 0, 1, 1, 8, 8);
        s.add(100, new String[] {"a", "c"}, new double[] {1, 1}, 100, 1000, 8, 8, sink);
        s.add(200, new String[] {"a"}, new double[] {1}, 100, 1000, 8, 8, sink);
        assertThat(mismatches).isEqualTo(2);
        assertThat(s.lastTime).isEqualTo(0);
    }

    @Test
    void keepsRunningStatistics() {
        DeviceSeries s = new DeviceSeries();
        double[] xs = {2, 4, 4, 4, 5, 5, 7, 9};
        for (int i = 0; i < xs.length; i++) {
            add(s, i * 100L, xs[i], 0, 100, 100);
        }
        assertThat(s.mean[0]).isCloseTo(5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.std(0)).isCloseTo(2, org.assertj.core.data.Offset.offset(1e-9));
    }
}
