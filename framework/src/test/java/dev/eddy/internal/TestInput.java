package dev.eddy.internal;

import dev.eddy.fixtures.ShardRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Input of the batch path tests: events of a few keys as JSON records of one shard, some of them poison. */
final class TestInput {

    /** Event times start here, ms. */
    static final long T0 = 1_000_000;

    private TestInput() {
    }

    /** An event: its key, event time (ms) and a value. */
    record Ev(String key, long ts, long v) {
    }

    /**
     * One record and what it holds.
     *
     * @param rec the Kinesis record
     * @param ev its event, or {@code null} when it is poison (cannot be decoded)
     */
    record In(ShardRecords.Rec rec, Ev ev) {

        static In of(int index, Ev ev) {
            String json = "{\"key\":\"" + ev.key() + "\",\"ts\":" + ev.ts() + ",\"v\":" + ev.v() + "}";
            return new In(ShardRecords.record(index, ev.key(), json), ev);
        }

        static In of(int index, String key, long ts, long v) {
            return of(index, new Ev(key, ts, v));
        }

        static In poison(int index, String data) {
            return new In(ShardRecords.record(index, "poison", data), null);
        }

        String seq() {
            return rec.sequence();
        }
    }

    /** Data that {@code Json.of(Ev.class)} refuses, each for another reason. */
    static final List<String> POISON = List.of("not json at all", "{\"key\":\"a\",\"ts\":", "{\"key\":\"a\",\"ts\":5}",
            "{\"key\":\"a\",\"ts\":\"12\",\"v\":1}");

    /**
     * @param records how many
     * @param seed the random seed
     * @return records of keys a–d, about 3 ms of event time apart, mostly out of order by up to 8 ms, one in twelve
     *     25–64 ms behind (late for small windows), one in seventeen poison
     */
    static List<In> generated(int records, long seed) {
        Random random = new Random(seed);
        String[] keys = {"a", "b", "c", "d"};
        List<In> input = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            if (i % 17 == 5) {
                input.add(In.poison(i, POISON.get(i / 17 % POISON.size())));
                continue;
            }
            long disorder = random.nextInt(12) == 0 ? -25 - random.nextInt(40) : random.nextInt(15) - 8;
            input.add(In.of(i, keys[random.nextInt(keys.length)], T0 + i * 3L + disorder, random.nextInt(100) - 20));
        }
        return input;
    }

    /** @return the records of the inputs */
    static List<ShardRecords.Rec> recs(List<In> input) {
        return input.stream().map(In::rec).toList();
    }
}
