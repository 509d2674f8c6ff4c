package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.functions.fraud.FraudAlerts.Transaction;
import dev.eddy.functions.fraud.SampleTransactions;
import dev.eddy.codec.internal.Jsons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./eddy run fraud-alerts}: keyed state without windows, through the emulators, against the rule itself. */
class FraudAlertsRunTest {

    @TempDir
    Path dir;

    /** The rule, applied record by record per card in input order: the expected suspicious transaction ids. */
    private static List<String> reference(List<Transaction> transactions) {
        Map<String, Transaction> latest = new HashMap<>();
        List<String> suspicious = new ArrayList<>();
        for (Transaction t : transactions) {
            Transaction last = latest.get(t.card());
            if (last != null && t.amount() > 1_000 && !t.country().equals(last.country())
                    && Math.abs(Duration.between(last.time(), t.time()).toMillis()) <= Duration.ofHours(1).toMillis()) {
                suspicious.add(t.id());
            }
            if (last == null || !t.time().isBefore(last.time())) {
                latest.put(t.card(), t);
            }
        }
        return suspicious;
    }

    /** With file sinks, and through moto's SNS (read back from the SQS queue subscribed to the topic). */
    @ParameterizedTest
    @ValueSource(strings = {"file", "moto"})
    void alertsAreExactlyTheTransactionsTheRuleFlags(String sinks) throws Exception {
        List<Transaction> transactions = SampleTransactions.generate(400, Instant.parse("2024-03-01T00:00:00Z"), 5);
        List<String> lines = new ArrayList<>();
        for (Transaction t : transactions) {
            lines.add(Jsons.strictMapper().writeValueAsString(t));
        }
        Path input = dir.resolve("transactions.jsonl");
        Files.write(input, lines);
        List<String> expected = reference(transactions);
        assertThat(expected).hasSizeGreaterThan(3);

        int exit = EddyCli.execute("run", "fraud-alerts", "--input", input.toString(), "--out", dir.toString(),
                "--sinks", sinks, "--print", "0", "--quiet");

        assertThat(exit).isZero();
        List<JsonNode> alerts = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("sns/fraud-alerts.jsonl"))) {
            alerts.add(Jsons.strictMapper().readTree(line));
        }
        assertThat(alerts).extracting(a -> a.get("transactionId").asText())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(alerts).extracting(a -> a.get("id").asText()).doesNotHaveDuplicates();
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.get("amount").asDouble()).isGreaterThan(1_000);
            assertThat(a.get("country").asText()).isNotEqualTo(a.get("previousCountry").asText());
            assertThat(a.get("minutesSincePrevious").asLong()).isBetween(-60L, 60L);
        });
    }
}
