package dev.eddy.emulator.esm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyOwnershipTest {

    @Test
    void aKeySeenOnASecondShardIsAViolationNamingBothShards() {
        KeyOwnership ownership = new KeyOwnership();

        assertThat(ownership.observe("shardId-0", "DTW")).isTrue();
        assertThat(ownership.observe("shardId-0", "DTW")).isTrue();
        assertThat(ownership.observe("shardId-1", "LAS")).isTrue();
        assertThat(ownership.observe("shardId-1", "DTW")).isFalse();
        assertThat(ownership.observe("shardId-2", "DTW")).isFalse();

        assertThat(ownership.violationCount()).isEqualTo(1);
        assertThat(ownership.violations()).containsOnlyKeys("DTW");
        assertThat(ownership.violations().get("DTW")).isEqualTo(List.of("shardId-0", "shardId-1"));
        assertThat(ownership.example()).isEqualTo("'DTW' on shardId-0 and shardId-1");
    }

    @Test
    void keysThatStayOnTheirShardAreNoViolation() {
        KeyOwnership ownership = new KeyOwnership();
        for (int i = 0; i < 100; i++) {
            ownership.observe("shardId-" + (i % 4), "key-" + (i % 4));
        }
        assertThat(ownership.violationCount()).isZero();
        assertThat(ownership.example()).isEmpty();
    }
}
