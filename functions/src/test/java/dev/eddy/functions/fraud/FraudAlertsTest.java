package dev.eddy.functions.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.functions.fraud.FraudAlerts.CardState;
import dev.eddy.functions.fraud.FraudAlerts.Suspicion;
import dev.eddy.functions.fraud.FraudAlerts.Transaction;
import dev.eddy.pipeline.ProcessContext;
import dev.eddy.sink.Sns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FraudAlertsTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    /** Runs the rule over a card's transactions in order and returns the ids it flags. */
    private static List<String> flagged(Transaction... transactions) {
        List<String> flagged = new ArrayList<>();
        CardState state = null;
        for (Transaction t : transactions) {
            state = FraudAlerts.check(state, t, new ProcessContext<>() {
                @Override
                public String key() {
                    return t.card();
                }

                @Override
                public Instant timestamp() {
                    return t.time();
                }

                @Override
                public void emit(Suspicion output) {
                    flagged.add(output.transaction().id());
                }

                @Override
                public void registerEventTimeTimer(Instant time) {
                    throw new AssertionError("the fraud rule uses no timers");
                }

                @Override
                public void deleteEventTimeTimer(Instant time) {
                    throw new AssertionError("the fraud rule uses no timers");
                }
            });
        }
        return flagged;
    }

    private static Transaction txn(String id, double amount, String country, Duration after) {
        return new Transaction(id, "card-1", amount, country, T0.plus(after));
    }

    @Test
    void aLargePurchaseAbroadWithinTheHourIsFlagged() {
        assertThat(flagged(txn("a", 20, "DE", Duration.ZERO), txn("b", 1_500, "NL", Duration.ofMinutes(59))))
                .containsExactly("b");
    }

    @Test
    void smallAmountsLaterPurchasesAndTheSameCountryAreNot() {
        assertThat(flagged(txn("a", 20, "DE", Duration.ZERO), txn("b", 1_000, "NL", Duration.ofMinutes(5))))
                .as("at the threshold").isEmpty();
        assertThat(flagged(txn("a", 20, "DE", Duration.ZERO), txn("b", 5_000, "NL", Duration.ofMinutes(61))))
                .as("after an hour").isEmpty();
        assertThat(flagged(txn("a", 20, "DE", Duration.ZERO), txn("b", 5_000, "DE", Duration.ofMinutes(5))))
                .as("same country").isEmpty();
        assertThat(flagged(txn("b", 5_000, "NL", Duration.ZERO))).as("first use of the card").isEmpty();
    }

    @Test
    void theLastCountryIsThatOfTheLatestTransactionByEventTime() {
        // c arrives late but is older than b: b stays the latest, so d (NL, after b in NL) is not suspicious
        assertThat(flagged(txn("a", 20, "DE", Duration.ZERO), txn("b", 30, "NL", Duration.ofMinutes(30)),
                txn("c", 25, "DE", Duration.ofMinutes(10)), txn("d", 2_000, "NL", Duration.ofMinutes(40))))
                .isEmpty();
    }

    @Test
    void definitionNamesTheStreamAndTopic() {
        var pipeline = new FraudAlerts().define();
        assertThat(pipeline.name()).isEqualTo("fraud-alerts");
        assertThat(pipeline.source().streamName()).isEqualTo("card-transactions");
        assertThat(pipeline.sinks()).containsExactly(Sns.topic("fraud-alerts"));
        assertThat(pipeline.windows()).isNull();
    }

    @Test
    void sampleTransactionsAreReproducibleAndContainCardTestingBursts() {
        List<Transaction> a = SampleTransactions.generate(300, T0, 9);
        assertThat(SampleTransactions.generate(300, T0, 9)).isEqualTo(a);
        assertThat(a).isSortedAccordingTo(java.util.Comparator.comparing(Transaction::time));
        assertThat(a).anySatisfy(t -> assertThat(t.id()).endsWith("-f1"));
        assertThat(a).allSatisfy(t -> assertThat(t.amount()).isPositive());
    }
}
