package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.table.StateTable.EXPIRES_AT;

import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyState;
import dev.eddy.state.RedriveLane;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.SkippedRange;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.ItemSize;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.state.dynamodb.timers.Registration;
import dev.eddy.state.dynamodb.timers.TimerEntry;
import dev.eddy.state.dynamodb.timers.TimerKind;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A key's item ↔ its {@link KeyState} ({@code docs/state.md}, "Item types"):
 *
 * <ul>
 * <li>{@code acc} — the state's JSON; {@code fired} — its firing count;
 * <li>{@code pending} — list of maps {@code f} (firing number), {@code acc}, {@code tag} (sequence number as
 *     {@link SequenceNumbers} stores it), {@code ws} / {@code we} (the firing's window, ms);
 * <li>{@code seqs} — map shard id → highest sequence number applied to the item by that shard (fencing);
 * <li>{@code timer} / {@code ptimer} — time of the current event-time / processing-time timer, ms;
 * <li>{@code cleaned} — {@code true} once the state is done with; {@code expiresAt} — epoch seconds for TTL;
 * <li>{@code key} — the key itself when the item is stored under its hash; {@code ver} — set by the writer.
 * </ul>
 */
final class KeyItemCodec {

    private static final String ACC = "acc";
    private static final String FIRED = "fired";
    private static final String PENDING = "pending";
    private static final String SEQS = "seqs";
    private static final String CLEANED = "cleaned";

    private final Clock clock;
    private final Duration cleanedUpRetention;
    private final long maxItemBytes;

    /**
     * @param clock the wall clock, which dates the expiry of cleaned-up state
     * @param cleanedUpRetention how long cleaned-up state is kept before TTL deletes it
     * @param maxItemBytes the largest item written, in bytes as DynamoDB sizes items
     */
    KeyItemCodec(Clock clock, Duration cleanedUpRetention, long maxItemBytes) {
        this.clock = clock;
        this.cleanedUpRetention = cleanedUpRetention;
        this.maxItemBytes = maxItemBytes;
    }

    /**
     * One key in one batch: what {@link #build} needs besides the states.
     *
     * @param shardId the writing shard
     * @param range the batch
     * @param key the key
     * @param partitionKey its records' partition key, or {@code null} if unknown
     */
    record Target(String shardId, BatchRange range, String key, String partitionKey) {
    }

    /**
     * @param item a key's item
     * @return its state, with firings whose key is {@code null}; {@code expiresAt} is not read back
     */
    static KeyState state(Map<String, AttributeValue> item) {
        List<Firing> pending = new ArrayList<>();
        AttributeValue list = item.get(PENDING);
        if (list != null) {
            for (AttributeValue entry : list.l()) {
                Map<String, AttributeValue> m = entry.m();
                Window window = new Window(Long.parseLong(m.get("ws").n()), Long.parseLong(m.get("we").n()));
                pending.add(new Firing(null, window, Integer.parseInt(m.get("f").n()), m.get(ACC).s(),
                        SequenceNumbers.parse(m.get("tag").s())));
            }
        }
        return new KeyState(item.get(ACC).s(), item.containsKey(FIRED) ? Integer.parseInt(item.get(FIRED).n()) : 0,
                pending, time(item, TimerKind.EVENT_TIME), item.containsKey(CLEANED)
                && Boolean.TRUE.equals(item.get(CLEANED).bool()), null, time(item, TimerKind.PROCESSING_TIME));
    }

    private static Long time(Map<String, AttributeValue> item, TimerKind kind) {
        AttributeValue time = item == null ? null : item.get(kind.attribute());
        return time == null ? null : Long.parseLong(time.n());
    }

    /**
     * An item stored under a key's hash holds the key: a different one would be a SHA-256 collision, refused
     * rather than mixed.
     *
     * @throws IllegalStateException on such a collision
     */
    static void checkKey(Map<String, AttributeValue> item, String key) {
        AttributeValue stored = item == null ? null : item.get(StateTable.KEY);
        if (stored != null && !stored.s().equals(key)) {
            throw new IllegalStateException("state item " + ItemKey.of(item) + " holds another key than the one"
                    + " hashed to it (a SHA-256 collision): refusing to mix their state; rename one of the keys");
        }
    }

    /**
     * The fence of a writer: values at or below it were applied to the item. A shard's is its own entry in
     * {@code seqs}. A redrive lane's is its own entry, or its shard's entry if that lies in the lane's skipped
     * range (an attempt that failed before the skip applied the key's values up to there, and no later batch of
     * the shard has touched the key since: such a batch carries the fence over, {@link #carryFence}).
     *
     * @param item a key's item, or {@code null}
     * @param writer a shard or a redrive lane
     * @param range the batch, with its skipped ranges
     * @return the highest sequence number applied to the item for {@code writer}, or {@code null} for none
     */
    static BigInteger fence(Map<String, AttributeValue> item, String writer, BatchRange range) {
        BigInteger own = appliedSequence(item, writer);
        if (!RedriveLane.isLane(writer)) {
            return own;
        }
        BigInteger shard = appliedSequence(item, RedriveLane.shardOf(writer));
        for (SkippedRange skipped : range.skipped()) {
            if (shard != null && skipped.contains(shard) && (own == null || shard.compareTo(own) > 0)) {
                own = shard;
            }
        }
        return own;
    }

    /**
     * A shard moving its fence past a skipped range in which it lay keeps the old fence as the range's lane's: the
     * values up to it were applied by an attempt before the skip, and a redrive must not apply them again.
     */
    private static void carryFence(Map<String, AttributeValue> item, Target target, BigInteger lastApplied,
            Map<String, AttributeValue> sequences) {
        if (RedriveLane.isLane(target.shardId())) {
            return;
        }
        BigInteger stored = appliedSequence(item, target.shardId());
        for (SkippedRange skipped : target.range().skipped()) {
            if (stored != null && skipped.contains(stored) && lastApplied.compareTo(skipped.resumedAt()) >= 0) {
                String lane = RedriveLane.of(target.shardId(), skipped.from());
                BigInteger carried = appliedSequence(item, lane);
                if (carried == null || stored.compareTo(carried) > 0) {
                    sequences.put(lane, AttributeValue.fromS(SequenceNumbers.encode(stored)));
                }
            }
        }
    }

    /**
     * @param item a key's item, or {@code null}
     * @param shardId a shard
     * @return the highest sequence number the shard applied to it, or {@code null} for none
     */
    static BigInteger appliedSequence(Map<String, AttributeValue> item, String shardId) {
        AttributeValue sequences = item == null ? null : item.get(SEQS);
        AttributeValue stored = sequences == null ? null : sequences.m().get(shardId);
        return stored == null ? null : SequenceNumbers.parse(stored.s());
    }

    /**
     * @param key the key
     * @param state its state, or {@code null}
     * @param range the batch
     * @return the state's pending firings whose tag lies in the batch, with the key
     */
    static List<Firing> firings(String key, KeyState state, BatchRange range) {
        List<Firing> firings = new ArrayList<>();
        if (state != null) {
            for (Firing firing : state.pending()) {
                if (range.contains(firing.tag())) {
                    firings.add(new Firing(key, windowOf(firing), firing.firing(), firing.accumulator(),
                            firing.tag()));
                }
            }
        }
        return firings;
    }

    /**
     * The item that stores {@code next}: the item read with the state's attributes replaced, the writing shard's
     * fencing moved to {@code lastApplied}, and the timers it names that are not registered yet. Firings tagged
     * below the batch's first record were committed with an earlier batch and are dropped.
     *
     * @param target the key and batch
     * @param item the item as read, or {@code null}
     * @param before the state of {@code item}
     * @param next the new state
     * @param lastApplied the highest sequence number applied, or {@code null} when no values were
     * @param reregister timer times handled in this batch: a timer at one of them is registered again
     * @param refused values the key logic refused
     * @return the change
     * @throws IllegalStateException if the item would exceed the size limit
     */
    KeyChange build(Target target, Map<String, AttributeValue> item, KeyState before, KeyState next,
            BigInteger lastApplied, Set<Long> reregister, List<SequencedValue> refused) {
        Map<String, AttributeValue> written = new HashMap<>();
        if (item != null) {
            written.putAll(item);
        }
        String key = target.key();
        written.putAll(StateTable.stateItem(key).attributes());
        if (StateTable.isHashed(key)) {
            written.put(StateTable.KEY, AttributeValue.fromS(key));
        }
        written.put(ACC, AttributeValue.fromS(next.accumulator()));
        written.put(FIRED, number(next.firings()));
        List<AttributeValue> pending = new ArrayList<>();
        for (Firing firing : next.pending()) {
            if (firing.tag().compareTo(target.range().first()) >= 0) {
                Window window = windowOf(firing);
                pending.add(AttributeValue.fromM(Map.of("f", number(firing.firing()),
                        ACC, AttributeValue.fromS(firing.accumulator()),
                        "tag", AttributeValue.fromS(SequenceNumbers.encode(firing.tag())),
                        "ws", number(window.startMs()), "we", number(window.endMs()))));
            }
        }
        written.put(PENDING, AttributeValue.fromL(pending));
        if (lastApplied != null) {
            Map<String, AttributeValue> sequences = new HashMap<>();
            if (item != null && item.containsKey(SEQS)) {
                sequences.putAll(item.get(SEQS).m());
            }
            sequences.put(target.shardId(), AttributeValue.fromS(SequenceNumbers.encode(lastApplied)));
            carryFence(item, target, lastApplied, sequences);
            written.put(SEQS, AttributeValue.fromM(sequences));
        }
        List<Registration> timers = new ArrayList<>();
        TimerEntry entry = new TimerEntry(key, target.partitionKey());
        timer(TimerKind.EVENT_TIME, next.timerMs(), target.shardId(), entry, item, written, reregister, timers);
        timer(TimerKind.PROCESSING_TIME, next.processingTimerMs(), target.shardId(), entry, item, written,
                reregister, timers);
        if (next.cleanedUp()) {
            written.put(CLEANED, AttributeValue.fromBool(true));
        } else {
            written.remove(CLEANED);
        }
        if (next.expiresAt() != null) {
            written.put(EXPIRES_AT, number(next.expiresAt().getEpochSecond()));
        } else if (!next.cleanedUp()) {
            written.remove(EXPIRES_AT); // live state never expires
        } else if (!written.containsKey(EXPIRES_AT)) {
            written.put(EXPIRES_AT, number(clock.instant().plus(cleanedUpRetention).getEpochSecond()));
        }
        checkSize(key, written);
        return new KeyChange(before, next, written, timers, refused);
    }

    /** Sets or removes a timer attribute; a timer the item did not name yet is to be registered. */
    private static void timer(TimerKind kind, Long timerMs, String shardId, TimerEntry entry,
            Map<String, AttributeValue> item, Map<String, AttributeValue> written, Set<Long> reregister,
            List<Registration> timers) {
        if (timerMs == null) {
            written.remove(kind.attribute());
            return;
        }
        written.put(kind.attribute(), number(timerMs));
        if (!timerMs.equals(time(item, kind)) || reregister.contains(timerMs)) {
            // a redrive lane's timers are its shard's: its watermark fires them
            timers.add(new Registration(kind.bucketPk(RedriveLane.shardOf(shardId)), timerMs, entry));
        }
    }

    /**
     * Refuses an item over the limit before it is written, with the key named, rather than DynamoDB's
     * {@code ValidationException} without it. The limit stays below DynamoDB's 400 KB item limit (DynamoDB
     * Developer Guide, "Quotas": "The maximum item size in DynamoDB is 400 KB, which includes both attribute name
     * binary length (UTF-8 length) and attribute value lengths").
     */
    private void checkSize(String key, Map<String, AttributeValue> written) {
        long bytes = ItemSize.of(written);
        if (bytes > maxItemBytes) {
            throw new IllegalStateException("state of key '" + shorten(key) + "' would take " + bytes
                    + " bytes (accumulators and pending firings), over the " + maxItemBytes + "-byte limit kept"
                    + " under DynamoDB's 400 KB item limit: keep accumulators small (aggregate instead of keeping"
                    + " every element, or fire and clean up windows sooner)");
        }
    }

    /** A firing without a window is the key's all-time one (a global window's pane, a keyed process's output). */
    private static Window windowOf(Firing firing) {
        return firing.window() == null ? GlobalWindows.ALL_TIME : firing.window();
    }

    /** @return the key, cut to 200 characters for messages */
    static String shorten(String key) {
        return key.length() <= 200 ? key : key.substring(0, 200) + "… (" + key.length() + " characters)";
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
