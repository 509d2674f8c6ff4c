package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.window.Window;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ResultIdsTest {

    @Test
    void firingIdIsDeterministic() {
        assertThat(ResultIds.ofFiring("p", "k", new Window(0, 10), 0))
                .isEqualTo(ResultIds.ofFiring("p", "k", new Window(0, 10), 0));
    }

    @Test
    void firingIdDiffersInEachPart() {
        Set<String> ids = new HashSet<>();
        ids.add(ResultIds.ofFiring("p", "k", new Window(0, 10), 0));
        ids.add(ResultIds.ofFiring("q", "k", new Window(0, 10), 0));
        ids.add(ResultIds.ofFiring("p", "j", new Window(0, 10), 0));
        ids.add(ResultIds.ofFiring("p", "k", new Window(1, 10), 0));
        ids.add(ResultIds.ofFiring("p", "k", new Window(0, 11), 0));
        ids.add(ResultIds.ofFiring("p", "k", new Window(0, 10), 1));
        // parts are separated, so shifting characters between key and pipeline gives another id
        ids.add(ResultIds.ofFiring("pk", "", new Window(0, 10), 0));
        assertThat(ids).hasSize(7);
    }

    /** Keys with U+0000, the separator, never make two firings' names equal (so never their ids). */
    @Property(tries = 3000)
    void firingIdsOfDifferentFiringsDiffer(@ForAll("keys") String keyA, @ForAll("keys") String keyB,
            @ForAll @IntRange(min = -3, max = 3) int startA, @ForAll @IntRange(min = -3, max = 3) int startB,
            @ForAll @IntRange(min = 0, max = 2) int firingA, @ForAll @IntRange(min = 0, max = 2) int firingB) {
        Window a = new Window(startA, startA + 10);
        Window b = new Window(startB, startB + 10);
        boolean same = keyA.equals(keyB) && a.equals(b) && firingA == firingB;
        assertThat(ResultIds.ofFiring("p", keyA, a, firingA).equals(ResultIds.ofFiring("p", keyB, b, firingB)))
                .isEqualTo(same);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().withChars('\u0000', '1', '0', '-', 'k').ofMaxLength(8);
    }

    @Test
    void recordIdNamesPipelineShardSequenceAndIndex() {
        assertThat(ResultIds.ofRecord("t", "shardId-0", "42", 0)).isEqualTo("t:shardId-0:42");
        assertThat(ResultIds.ofRecord("t", "shardId-0", "42", 3)).isEqualTo("t:shardId-0:42:3");
    }
}
