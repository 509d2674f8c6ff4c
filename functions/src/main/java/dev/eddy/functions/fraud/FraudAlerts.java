package dev.eddy.functions.fraud;

import dev.eddy.codec.Json;
import dev.eddy.process.Keyed;
import dev.eddy.process.KeyedProcess;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.process.ProcessContext;
import dev.eddy.sink.Sns;
import java.time.Duration;
import java.time.Instant;

/**
 * Card fraud alerts: a transaction over {@value #THRESHOLD} from a country other than the card's last country,
 * within one hour of that last transaction, publishes an alert to the SNS topic {@code fraud-alerts}.
 *
 * <p>Keyed by card, with per-card state (the latest transaction's country and time, by event time) and no
 * windows; the state expires two hours after it was last written (the rule looks back one hour).
 */
public final class FraudAlerts implements PipelineDefinition {

    /** Amount above which a transaction abroad is suspicious, in the card's currency. */
    public static final double THRESHOLD = 1_000.00;
    /** How close to the card's last transaction a suspicious one must be. */
    public static final Duration WITHIN = Duration.ofHours(1);

    /**
     * One card transaction.
     *
     * @param id transaction id
     * @param card card number (masked)
     * @param amount amount in the card's currency
     * @param country ISO 3166 country code of the merchant
     * @param time when it happened, ISO-8601 UTC
     */
    public record Transaction(String id, String card, double amount, String country, Instant time) {
    }

    /**
     * What is kept per card.
     *
     * @param country country of its latest transaction
     * @param time time of its latest transaction
     */
    public record CardState(String country, Instant time) {
    }

    /**
     * A suspicious transaction and the one before it.
     *
     * @param transaction the suspicious transaction
     * @param previousCountry the card's country before it
     * @param previousTime when the card was last used there
     */
    public record Suspicion(Transaction transaction, String previousCountry, Instant previousTime) {
    }

    /**
     * The alert published to SNS.
     *
     * @param id deterministic alert id
     * @param card the card
     * @param transactionId the suspicious transaction
     * @param amount its amount
     * @param country its country
     * @param time its time
     * @param previousCountry the card's country before
     * @param minutesSincePrevious minutes between the two transactions
     */
    public record FraudAlert(String id, String card, String transactionId, double amount, String country,
            Instant time, String previousCountry, long minutesSincePrevious) {

        static FraudAlert of(Keyed<Suspicion> suspicion) {
            Suspicion s = suspicion.value();
            Transaction t = s.transaction();
            return new FraudAlert(suspicion.id(), t.card(), t.id(), t.amount(), t.country(), t.time(),
                    s.previousCountry(), Duration.between(s.previousTime(), t.time()).toMinutes());
        }
    }

    @Override
    public Pipeline define() {
        return Pipeline.named("fraud-alerts")
                .from(KinesisSource.stream("card-transactions").decode(Json.of(Transaction.class)))
                .withEventTime(Transaction::time, Duration.ofSeconds(30))
                .keyBy(Transaction::card)
                .process(KeyedProcess.of(CardState.class, Suspicion.class, FraudAlerts::check)
                        .withStateTtl(Duration.ofHours(2)))
                .map(FraudAlert::of)
                .to(Sns.topic("fraud-alerts"))
                .build();
    }

    /**
     * The rule, per transaction of a card.
     *
     * @param last the card's latest transaction so far, or {@code null}
     * @param txn this transaction
     * @param context where a suspicion goes
     * @return the card's latest transaction after this one
     */
    static CardState check(CardState last, Transaction txn, ProcessContext<Suspicion> context) {
        if (last != null && txn.amount() > THRESHOLD && !txn.country().equals(last.country())
                && Duration.between(last.time(), txn.time()).abs().compareTo(WITHIN) <= 0) {
            context.emit(new Suspicion(txn, last.country(), last.time()));
        }
        return last == null || !txn.time().isBefore(last.time()) ? new CardState(txn.country(), txn.time()) : last;
    }
}
