package dev.eddy.state.dynamodb;

import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.SequencedValue;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The test's key logic: a key's state holds windows, each summing the {@link Element}s sent to it, with Flink's
 * event-time trigger and allowed lateness, as the framework's {@code KeyWindowsLogic} decides for each window:
 * firing 0 when the watermark reaches {@code end − 1} (at the end of a batch, or by a timer), one firing per late
 * element (the full updated sum), clean-up at {@code end − 1 + lateness}. A value that can no longer be taken (an
 * on-time value for a fired window, any value for a cleaned-up one) is refused, with every other value of its
 * window in the call, so no window is half-applied.
 *
 * <p>The key's timer is the earliest firing or clean-up among its windows; the key is cleaned up when all its
 * windows are. A timer applies the windows due at the timer's time, so a window whose clean-up or firing is due
 * at once waits for its own timer, which the backend fires in the same write (a cascade).
 *
 * <p>State: {@code acc} lists the windows as {@code start,end,firings,sum,cleaned} separated by {@code ;};
 * {@code firings} counts all firings of the key. A firing's accumulator is its window's sum, e.g. {@code "12"}.
 */
final class WindowSums implements KeyLogic {

    /** An element bound for one window. */
    record Element(Window window, long amount) {
    }

    /** One window of a key's state. */
    record Sum(Window window, long sum, int firings, boolean cleaned) {
    }

    static final Comparator<Window> BY_END = Comparator.comparingLong(Window::endMs).thenComparingLong(Window::startMs);

    final long watermarkMs;
    final long latenessMs;

    /**
     * @param watermarkMs the shard's watermark at the end of the batch
     * @param latenessMs allowed lateness
     */
    WindowSums(long watermarkMs, long latenessMs) {
        this.watermarkMs = watermarkMs;
        this.latenessMs = latenessMs;
    }

    static long cleanupTime(Window window, long latenessMs) {
        long time = window.maxTimestamp() + latenessMs;
        return time < window.maxTimestamp() ? Long.MAX_VALUE : time;
    }

    /** @return the windows of a state, by end */
    static TreeMap<Window, Sum> windows(KeyState state) {
        TreeMap<Window, Sum> windows = new TreeMap<>(BY_END);
        if (state != null && !state.accumulator().isEmpty()) {
            for (String part : state.accumulator().split(";")) {
                String[] f = part.split(",");
                Window window = new Window(Long.parseLong(f[0]), Long.parseLong(f[1]));
                windows.put(window, new Sum(window, Long.parseLong(f[3]), Integer.parseInt(f[2]), f[4].equals("1")));
            }
        }
        return windows;
    }

    @Override
    public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
        TreeMap<Window, Sum> windows = windows(stored);
        List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
        Map<Window, List<SequencedValue>> byWindow = new LinkedHashMap<>();
        for (SequencedValue value : fresh) {
            byWindow.computeIfAbsent(((Element) value.value()).window(), w -> new ArrayList<>()).add(value);
        }
        List<SequencedValue> refused = new ArrayList<>();
        byWindow.forEach((window, values) -> {
            Sum before = windows.get(window);
            long sum = before == null ? 0 : before.sum();
            int firings = before == null ? 0 : before.firings();
            boolean hasElements = before != null;
            boolean refuse = before != null && before.cleaned();
            List<Firing> added = new ArrayList<>();
            for (SequencedValue value : values) {
                if (refuse || !value.late() && firings > 0) {
                    refuse = true;
                    break;
                }
                if (value.late() && firings == 0 && hasElements) {
                    added.add(new Firing(key, window, firings++, Long.toString(sum), value.sequenceNumber()));
                }
                sum += ((Element) value.value()).amount();
                hasElements = true;
                if (value.late()) {
                    added.add(new Firing(key, window, firings++, Long.toString(sum), value.sequenceNumber()));
                }
            }
            if (refuse) {
                refused.addAll(values);
            } else {
                windows.put(window, new Sum(window, sum, firings, false));
                pending.addAll(added);
            }
        });
        if (refused.size() == fresh.size()) {
            return new Outcome(null, refused);
        }
        advance(key, windows, pending, watermarkMs, fresh.get(fresh.size() - 1).sequenceNumber());
        return new Outcome(state(windows, pending), refused);
    }

    @Override
    public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
        TreeMap<Window, Sum> windows = windows(stored);
        List<Firing> pending = new ArrayList<>(stored.pending());
        advance(key, windows, pending, Math.min(timerMs, watermarkMs), tag);
        return state(windows, pending);
    }

    /** Fires the windows the watermark reached and cleans up those past their lateness. */
    private void advance(String key, TreeMap<Window, Sum> windows, List<Firing> pending, long watermark,
            BigInteger tag) {
        windows.replaceAll((window, s) -> {
            if (s.cleaned()) {
                return s;
            }
            int firings = s.firings();
            if (firings == 0 && window.maxTimestamp() <= watermark) {
                pending.add(new Firing(key, window, firings++, Long.toString(s.sum()), tag));
            }
            return new Sum(window, s.sum(), firings, firings > 0 && cleanupTime(window, latenessMs) <= watermark);
        });
    }

    private KeyState state(TreeMap<Window, Sum> windows, List<Firing> pending) {
        StringBuilder text = new StringBuilder();
        Long timer = null;
        int firings = 0;
        boolean cleaned = true;
        for (Sum s : windows.values()) {
            text.append(text.length() == 0 ? "" : ";").append(s.window().startMs()).append(',')
                    .append(s.window().endMs()).append(',').append(s.firings()).append(',').append(s.sum())
                    .append(',').append(s.cleaned() ? 1 : 0);
            firings += s.firings();
            if (!s.cleaned()) {
                cleaned = false;
                long due = s.firings() == 0 ? s.window().maxTimestamp() : cleanupTime(s.window(), latenessMs);
                timer = timer == null ? due : Math.min(timer, due);
            }
        }
        return new KeyState(text.toString(), firings, pending, timer, cleaned);
    }
}
