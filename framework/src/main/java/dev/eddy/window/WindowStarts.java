package dev.eddy.window;

/** Where aligned windows start. */
final class WindowStarts {

    private WindowStarts() {
    }

    /**
     * The start of the aligned window of length {@code size} that holds {@code ts}: the largest
     * {@code k * size + offset ≤ ts}, i.e. {@code ts − floorMod(ts − offset, size)} (Flink's
     * {@code TimeWindow.getWindowStartWithOffset}), computed without overflow.
     *
     * @param ts timestamp, ms
     * @param offset offset in {@code [0, size)}, ms
     * @param size alignment, ms, positive
     * @param kind the window kind, for the error message
     * @return the start, ms
     * @throws IllegalArgumentException if the start is below {@link Long#MIN_VALUE}
     */
    static long alignedStart(long ts, long offset, long size, String kind) {
        // floorMod(ts - offset, size) computed from two values in [0, size), so ts - offset cannot overflow
        long remainder = Math.floorMod(Math.floorMod(ts, size) - offset, size);
        try {
            return Math.subtractExact(ts, remainder);
        } catch (ArithmeticException e) {
            throw unrepresentable(ts, size, kind);
        }
    }

    /**
     * @param start window start, ms
     * @param size window length, ms
     * @param ts the timestamp being assigned, for the message
     * @param kind the window kind, for the message
     * @return the window
     * @throws IllegalArgumentException if its end is above {@link Long#MAX_VALUE}
     */
    static Window window(long start, long size, long ts, String kind) {
        try {
            return new Window(start, Math.addExact(start, size));
        } catch (ArithmeticException e) {
            throw unrepresentable(ts, size, kind);
        }
    }

    static IllegalArgumentException unrepresentable(long ts, long size, String kind) {
        return new IllegalArgumentException("event time " + ts + " ms has no " + size + " ms " + kind
                + " window within the range of a long: the event time is not plausible");
    }
}
