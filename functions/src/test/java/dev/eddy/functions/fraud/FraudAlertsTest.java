package dev.eddy.functions.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.functions.fraud.FraudAlerts.CardState;
import dev.eddy.functions.fraud.FraudAlerts.FraudAlert;
import dev.eddy.functions.fraud.FraudAlerts.Suspicion;
import dev.eddy.functions.fraud.FraudAlerts.Transaction;
import dev.eddy.process.ProcessContext;
import dev.eddy.sink.Sns;
import dev.eddy.testing.EddyTestDriver;
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

    // ------------------------------------------------------------ the pipeline, run by EddyTestDriver

    private static Transaction txn(String id, String card, double amount, String country, Duration after) {
        return new Transaction(id, card, amount, country, T0.plus(after));
    }

    /** Puts a transaction with its card as partition key, as producers must. */
    private static void put(EddyTestDriver driver, Transaction t) {
        driver.put(t.card(), t);
    }

    @Test
    void theRulePublishesOneAlertForTheSuspiciousTransactionOnly() {
        try (var driver = EddyTestDriver.of(new FraudAlerts())) {
            put(driver, txn("a", "card-1", 20, "DE", Duration.ZERO));
            put(driver, txn("b", "card-1", 1_500, "NL", Duration.ofMinutes(59)));   // abroad, large, within 1 h
            put(driver, txn("c", "card-2", 20, "DE", Duration.ZERO));
            put(driver, txn("d", "card-2", 1_000, "NL", Duration.ofMinutes(5)));    // at the threshold
            put(driver, txn("e", "card-3", 20, "DE", Duration.ZERO));
            put(driver, txn("f", "card-3", 5_000, "NL", Duration.ofMinutes(61)));   // after the hour
            put(driver, txn("g", "card-4", 20, "DE", Duration.ZERO));
            put(driver, txn("h", "card-4", 5_000, "DE", Duration.ofMinutes(5)));    // same country
            put(driver, txn("i", "card-5", 5_000, "NL", Duration.ZERO));            // first use of the card
            driver.drain();

            assertThat(driver.output("fraud-alerts", FraudAlert.class)).singleElement().satisfies(alert -> {
                assertThat(alert.card()).isEqualTo("card-1");
                assertThat(alert.transactionId()).isEqualTo("b");
                assertThat(alert.amount()).isEqualTo(1_500);
                assertThat(alert.country()).isEqualTo("NL");
                assertThat(alert.previousCountry()).isEqualTo("DE");
                assertThat(alert.minutesSincePrevious()).isEqualTo(59);
                assertThat(alert.time()).isEqualTo(T0.plus(Duration.ofMinutes(59)));
            });
        }
    }

    @Test
    void aRetriedPublishSendsTheSameAlertWithTheSameId() {
        try (var driver = EddyTestDriver.of(new FraudAlerts())) {
            driver.failSink("fraud-alerts", 2); // SNS unavailable twice: the batch is retried
            put(driver, txn("a", "card-1", 20, "DE", Duration.ZERO));
            put(driver, txn("b", "card-1", 1_500, "NL", Duration.ofMinutes(10)));
            driver.duplicateNextBatch();
            driver.drain();

            assertThat(driver.output("fraud-alerts", FraudAlert.class)).singleElement()
                    .extracting(FraudAlert::transactionId).isEqualTo("b");
        }
    }

    @Test
    void aCardsStateExpiresTwoHoursOfProcessingTimeAfterItWasLastWritten() {
        // the same two transactions, half an hour apart by event time; what differs is when they are processed
        for (Duration pause : List.of(Duration.ofMinutes(119), Duration.ofMinutes(121))) {
            try (var driver = EddyTestDriver.of(new FraudAlerts())) {
                put(driver, txn("a", "card-1", 20, "DE", Duration.ZERO));
                driver.flush();
                driver.advanceTime(pause);
                put(driver, txn("b", "card-1", 1_500, "NL", Duration.ofMinutes(30)));
                driver.drain();

                assertThat(driver.output("fraud-alerts")).as("after %s", pause)
                        .hasSize(pause.compareTo(Duration.ofHours(2)) < 0 ? 1 : 0);
            }
        }
    }
}
