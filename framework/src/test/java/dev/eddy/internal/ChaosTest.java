package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The chaos plan's decisions: seeded, in proportion to the rate, at most once per opportunity. */
class ChaosTest {

    @Test
    void aDrawIsTheSameForTheSameSeedAndTextAndSpreadsOverZeroToOne() {
        assertThat(Chaos.draw(7, "crash|shard-0|42")).isEqualTo(Chaos.draw(7, "crash|shard-0|42"))
                .isNotEqualTo(Chaos.draw(8, "crash|shard-0|42"));
        double[] draws = IntStream.range(0, 10_000).mapToDouble(i -> Chaos.draw(7, "opportunity " + i)).toArray();
        assertThat(java.util.Arrays.stream(draws).allMatch(d -> d >= 0 && d < 1)).isTrue();
        long below = java.util.Arrays.stream(draws).filter(d -> d < 0.1).count();
        assertThat(below).as("about a tenth under 0.1").isBetween(900L, 1_100L);
    }

    @Test
    void anOpportunityMeetsItsFaultAtMostOnceSoThatARetryGetsPast() {
        Chaos.Plan always = Chaos.Plan.parse("7@1.0@test-once");
        BigInteger first = BigInteger.valueOf(1_000);

        assertThat(always.strikes(Chaos.Kind.CRASH_BEFORE_CHECKPOINT, "shard-0", first)).isTrue();
        assertThat(always.strikes(Chaos.Kind.CRASH_BEFORE_CHECKPOINT, "shard-0", first)).isFalse();
        assertThat(always.strikes(Chaos.Kind.CRASH_AFTER_CHECKPOINT, "shard-0", first)).isTrue();
        assertThat(Chaos.injected("test-once")).containsEntry("crash before checkpoint", 1L)
                .containsEntry("crash after checkpoint", 1L);
        Chaos.Plan never = Chaos.Plan.parse("7@0@test-never");
        assertThat(IntStream.range(0, 100).filter(i -> never.strikes(Chaos.Kind.SINK_CALL_FAILED, "s",
                BigInteger.valueOf(i)))).isEmpty();
        assertThat(Chaos.injected("test-never")).isEmpty();
    }

    @Test
    void aMalformedSettingIsRefusedWithItsShape() {
        assertThatThrownBy(() -> Chaos.Plan.parse("7@2@run")).hasMessage(
                "EDDY_CHAOS must be <seed>@<rate 0-1>@<run>[@unfenced], was '7@2@run'");
        assertThatThrownBy(() -> Chaos.Plan.parse("seven@0.1@run")).hasMessageContaining("was 'seven@0.1@run'");
        assertThat(Chaos.Plan.parse("7@0.1@run@unfenced").unfenced()).isTrue();
    }
}
