package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.window.Window;
import java.util.HashSet;
import java.util.Set;
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

    @Test
    void recordIdNamesPipelineShardSequenceAndIndex() {
        assertThat(ResultIds.ofRecord("t", "shardId-0", "42", 0)).isEqualTo("t:shardId-0:42");
        assertThat(ResultIds.ofRecord("t", "shardId-0", "42", 3)).isEqualTo("t:shardId-0:42:3");
    }
}
