package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.dynamodb.WindowSums.Element;
import dev.eddy.state.dynamodb.WindowSums.Sum;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB state backend against DynamoDB Local, a fresh table per test, with {@link WindowSums} as the key
 * logic. Stored state is observed through the SPI ({@link #stored}), not through item attributes, except in the
 * layout tests.
 *
 * <p>Records carry distinct squares ({@link #value}), so a value applied twice or skipped changes a sum.
 */
@ExtendWith(DynamoDbLocal.class)
abstract class BackendFixture {

    static final String SHARD_A = "shardId-000000000000";
    static final String SHARD_B = "shardId-000000000001";
    /** A shard that never writes: {@link #stored} reads through it. */
    static final String PROBE = "shardId-probe";
    /** The window most tests use: due at 9. */
    static final Window W = new Window(0, 10);

    /** Windows never due: the watermark has not moved. */
    static final WindowSums NOT_DUE = new WindowSums(Long.MIN_VALUE, 0);

    DynamoDbClient raw;
    String table;
    DynamoDbStateBackend backend;

    @BeforeEach
    void newTable() {
        table = DynamoDbLocal.newTable("state");
        raw = DynamoDbLocal.client();
        backend = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
    }

    @AfterEach
    void close() {
        backend.close();
        raw.close();
    }

    // ---------------------------------------------------------------- logic

    /** Logic at a watermark, without allowed lateness. */
    static WindowSums at(long watermarkMs) {
        return new WindowSums(watermarkMs, 0);
    }

    /** Logic at a watermark, with allowed lateness. */
    static WindowSums at(long watermarkMs, long latenessMs) {
        return new WindowSums(watermarkMs, latenessMs);
    }

    /** A logic that records what it is asked, and on which thread, then delegates. */
    static final class Recording implements KeyLogic {
        final KeyLogic delegate;
        final List<Long> seen = new ArrayList<>();
        final List<Long> timers = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        Recording(KeyLogic delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
            threads.add(Thread.currentThread());
            fresh.forEach(v -> seen.add(v.sequenceNumber().longValueExact()));
            return delegate.apply(key, stored, fresh);
        }

        @Override
        public synchronized KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            threads.add(Thread.currentThread());
            timers.add(timerMs);
            return delegate.onTimer(key, stored, timerMs, tag);
        }

        @Override
        public synchronized KeyState onProcessingTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            threads.add(Thread.currentThread());
            timers.add(timerMs);
            return delegate.onProcessingTimer(key, stored, timerMs, tag);
        }
    }

    /** A logic that runs an action before each call, then delegates. */
    static KeyLogic interleaving(KeyLogic delegate, Runnable beforeEachCall) {
        return new KeyLogic() {
            @Override
            public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
                beforeEachCall.run();
                return delegate.apply(key, stored, fresh);
            }

            @Override
            public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
                beforeEachCall.run();
                return delegate.onTimer(key, stored, timerMs, tag);
            }
        };
    }

    // ---------------------------------------------------------------- input

    /** The value carried by the record with this sequence number: distinct squares. */
    static long value(long seq) {
        return seq * seq;
    }

    static long sumOfValues(long fromSeq, long toSeq) {
        return LongStream.rangeClosed(fromSeq, toSeq).map(BackendFixture::value).sum();
    }

    static BigInteger big(long seq) {
        return BigInteger.valueOf(seq);
    }

    /** Values of records {@code fromSeq..toSeq} for one window of a key, on time. */
    static KeyUpdate update(String key, Window window, long fromSeq, long toSeq) {
        return update(key, window, fromSeq, toSeq, false);
    }

    /** Values of records {@code fromSeq..toSeq} that arrived after the watermark passed the window's end. */
    static KeyUpdate lateUpdate(String key, Window window, long fromSeq, long toSeq) {
        return update(key, window, fromSeq, toSeq, true);
    }

    static KeyUpdate update(String key, Window window, long fromSeq, long toSeq, boolean late) {
        List<SequencedValue> values = LongStream.rangeClosed(fromSeq, toSeq).mapToObj(seq -> new SequencedValue(
                big(seq), new Element(window, value(seq)), window.startMs(), late)).toList();
        return new KeyUpdate(key, values);
    }

    /** One update holding both updates' values (of one key), in the order given. */
    static KeyUpdate join(KeyUpdate a, KeyUpdate b) {
        List<SequencedValue> values = new ArrayList<>(a.values());
        values.addAll(b.values());
        return new KeyUpdate(a.key(), values, a.partitionKey());
    }

    /** A batch of records {@code first..last} in which the watermark did not rise. */
    static BatchRange range(long first, long last) {
        return new BatchRange(big(first), big(last), new TreeMap<>());
    }

    /** A batch of records {@code first..last}; {@code steps}: watermark → the record that raised it there. */
    static BatchRange range(long first, long last, Map<Long, Long> steps) {
        TreeMap<Long, BigInteger> map = new TreeMap<>();
        steps.forEach((watermark, seq) -> map.put(watermark, big(seq)));
        return new BatchRange(big(first), big(last), map);
    }

    /** A batch range covering the updates' records. */
    static BatchRange rangeOf(KeyUpdate... updates) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (KeyUpdate u : updates) {
            for (SequencedValue v : u.values()) {
                first = Math.min(first, v.sequenceNumber().longValueExact());
                last = Math.max(last, v.sequenceNumber().longValueExact());
            }
        }
        return range(first, last);
    }

    /** Applies updates (one per key) as one batch spanning their records. */
    Applied apply(String shardId, KeyLogic logic, KeyUpdate... updates) {
        return backend.applyUpdates(shardId, rangeOf(updates), List.of(updates), logic);
    }

    static Firing firing(String key, Window window, int number, long sum, long tag) {
        return new Firing(key, window, number, Long.toString(sum), big(tag));
    }

    // ---------------------------------------------------------------- stored state

    /**
     * The stored state of a key, read through the SPI: a shard that never wrote offers a value, the logic records
     * the state it is given and writes nothing.
     */
    KeyState stored(String key) {
        KeyState[] seen = new KeyState[1];
        boolean[] called = new boolean[1];
        KeyLogic probe = new KeyLogic() {
            @Override
            public Outcome apply(String k, KeyState state, List<SequencedValue> fresh) {
                called[0] = true;
                seen[0] = state;
                return new Outcome(null, List.of());
            }

            @Override
            public KeyState onTimer(String k, KeyState state, long timerMs, BigInteger tag) {
                throw new AssertionError("no timer");
            }
        };
        BigInteger high = BigInteger.TEN.pow(120);
        backend.applyUpdates(PROBE, new BatchRange(high, high, new TreeMap<>()), List.of(new KeyUpdate(key,
                List.of(new SequencedValue(high, new Element(W, 0), 0, false)))), probe);
        assertThat(called[0]).isTrue();
        return seen[0];
    }

    /** @return a stored window of a key, or {@code null} */
    Sum window(String key, Window window) {
        return WindowSums.windows(stored(key)).get(window);
    }

    /** @return the stored sum of a key's window as text, or {@code null} */
    String storedSum(String key, Window window) {
        Sum sum = window(key, window);
        return sum == null ? null : Long.toString(sum.sum());
    }

    /** The stored pending firings as (firing, accumulator, tag). */
    List<Tuple> storedPending(String key) {
        return stored(key).pending().stream()
                .map(f -> tuple(f.firing(), f.accumulator(), f.tag().longValueExact())).toList();
    }

    /** Fires every timer of a shard (end of input) with a fresh range; returns them and their firings. */
    Due fireAll(String shardId, long rangeSeq) {
        return backend.fireDue(shardId, range(rangeSeq, rangeSeq, Map.of(Long.MAX_VALUE, rangeSeq)), Long.MAX_VALUE,
                at(Long.MAX_VALUE));
    }

    /** Fires shard A's timers due at a watermark with logic at that watermark. */
    Due fireAt(long watermark, long seq) {
        return backend.fireDue(SHARD_A, range(seq, seq, Map.of(watermark, seq)), watermark, at(watermark));
    }
}
