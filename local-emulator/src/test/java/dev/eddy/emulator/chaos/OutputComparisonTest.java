package dev.eddy.emulator.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos run's verdict: what counts as a difference and what does not. */
class OutputComparisonTest {

    private static final String A1 = "{\"id\":\"a\",\"flights\":1}";
    private static final String A2 = "{\"id\":\"a\",\"flights\":2}";
    private static final String B1 = "{\"id\":\"b\",\"flights\":1}";

    @Test
    void aResultDeliveredAgainWithTheSameIdAndPayloadIsNoDifference() {
        assertThat(OutputComparison.resultDifferences(List.of(A1, B1), List.of(A1, B1, A1))).isEmpty();
    }

    @Test
    void missingExtraChangedAndTwoPayloadsAreDifferences() {
        assertThat(OutputComparison.resultDifferences(List.of(A1, B1), List.of(A1))).containsExactly("missing: " + B1);
        assertThat(OutputComparison.resultDifferences(List.of(A1), List.of(A1, B1))).containsExactly("extra: " + B1);
        assertThat(OutputComparison.resultDifferences(List.of(A1), List.of(A2)))
                .containsExactly("id a differs: fault-free → chaos: flights 1 → 2");
        assertThat(OutputComparison.resultDifferences(List.of(A1), List.of(A1, A2))).singleElement().asString()
                .startsWith("id a has 2 payloads");
    }

    @Test
    void sideRecordsAreComparedWithoutWhereTheyWereReadButCounted() {
        String late = "{\"id\":\"x\",\"type\":\"late\",\"shardId\":\"s0\",\"sequenceNumber\":\"1\",\"line\":7}";
        String sameElsewhere = "{\"id\":\"y\",\"type\":\"late\",\"shardId\":\"s3\",\"sequenceNumber\":\"9\",\"line\":7}";
        assertThat(OutputComparison.sideDifferences(List.of(late), List.of(sameElsewhere))).isEmpty();
        assertThat(OutputComparison.sideDifferences(List.of(late), List.of(sameElsewhere, sameElsewhere)))
                .containsExactly("extra: {\"type\":\"late\",\"line\":7}");
    }

    @Test
    void foldersAreComparedFileByFile(@TempDir Path dir) throws IOException {
        Path clean = Files.createDirectories(dir.resolve("out/fault-free/firehose"));
        Path chaos = Files.createDirectories(dir.resolve("out/firehose"));
        Files.write(clean.resolve("stats.jsonl"), List.of(A1, B1));
        Files.write(chaos.resolve("stats.jsonl"), List.of(B1, A1, A1));
        Files.createDirectories(dir.resolve("out/late"));
        Files.write(dir.resolve("out/late/p.jsonl"), List.of("{\"type\":\"late\",\"line\":3}"));

        OutputComparison comparison = OutputComparison.of(dir.resolve("out/fault-free"), dir.resolve("out"));

        assertThat(comparison.equal()).isFalse();
        assertThat(comparison.lines()).anyMatch(l -> l.startsWith("firehose/stats.jsonl") && l.endsWith("equal"))
                .anyMatch(l -> l.startsWith("late/p.jsonl") && l.endsWith("1 difference"));
    }
}
