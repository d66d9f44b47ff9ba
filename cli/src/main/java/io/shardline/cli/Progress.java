package io.shardline.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on standard error. On a terminal it redraws in place; elsewhere (CI logs, pipes)
 * it prints a line every 10%.
 */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private int lastDecile = -1;

    Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    synchronized void update(long done) {
        double f = Math.min(1.0, done / (double) total);
        double secs = (System.nanoTime() - startNanos) / 1e9;
        String rate = secs > 0 ? String.format("%,.0f/s", done / secs) : "";
        if (terminal) {
            int filled = (int) (f * WIDTH);
            out.printf("\r  %-22s [%s%s] %3.0f%%  %,d/%,d  %s   ", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                    f * 100, done, total, rate);
            out.flush();
        } else {
            int decile = (int) (f * 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.printf("  %-22s %3d%%  %,d/%,d  %s%n", label, decile * 10, done, total, rate);
            }
        }
    }

    synchronized void done(long done) {
        update(done);
        if (terminal) {
            out.println();
        }
    }
}
