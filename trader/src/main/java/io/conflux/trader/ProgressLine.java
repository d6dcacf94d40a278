package io.conflux.trader;

import java.io.PrintWriter;

/**
 * A progress bar on one line of the terminal ({@code [=====>    ]  45%  3/20  what}), redrawn in place.
 * When the output is not a terminal (a log, a pipe, a test), only {@link #line} output appears, so logs
 * keep one line per finished step instead of a stream of redraws.
 */
final class ProgressLine implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean terminal;
    private final String task;
    private long max;
    private long current;
    private String message = "";
    private long lastDraw;

    ProgressLine(PrintWriter out, boolean terminal, String task, long max) {
        this.out = out;
        this.terminal = terminal;
        this.task = task;
        this.max = Math.max(1, max);
        draw(true);
    }

    void step(long current, String message) {
        this.current = Math.min(current, max);
        this.message = message == null ? "" : message;
        draw(current >= max);
    }

    void max(long max) {
        this.max = Math.max(1, max);
    }

    /** A finished step worth keeping (an epoch's figures): printed above the bar, and alone when there is no terminal. */
    void line(String text) {
        if (terminal) out.print("\r\033[2K");
        out.println(text);
        draw(true);
    }

    private void draw(boolean force) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < 50_000_000L) return; // at most 20 redraws a second
        lastDraw = now;
        int filled = (int) (WIDTH * current / max);
        StringBuilder b = new StringBuilder("\r\033[2K").append(task).append(" [");
        for (int i = 0; i < WIDTH; i++) b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        b.append(String.format("] %3d%%  %d/%d  %s", 100 * current / max, current, max, message));
        out.print(b);
        out.flush();
    }

    @Override
    public void close() {
        if (terminal) {
            out.print("\r\033[2K");
            out.flush();
        }
    }
}
