package dev.eddy.functions.fraud;

import dev.eddy.functions.fraud.FraudAlerts.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Realistic card transactions for trying and testing {@link FraudAlerts}, the same for the same seed: cards with a
 * home country, purchases spread over a day with log-normal amounts (median about 40, a long tail into the
 * thousands), some travel abroad, and a few card-testing bursts — a large purchase from another country minutes
 * after a purchase at home. Sorted by time.
 */
public final class SampleTransactions {

    private static final String[] COUNTRIES = {"US", "US", "US", "DE", "GB", "FR", "ES", "IT", "NL", "CA", "BR", "JP"};

    private SampleTransactions() {
    }

    /**
     * @param cards number of cards, at least 1
     * @param start start of the day covered
     * @param seed random seed
     * @return about 12 transactions per card over 24 hours, in time order
     */
    public static List<Transaction> generate(int cards, Instant start, long seed) {
        Random random = new Random(seed);
        List<Transaction> transactions = new ArrayList<>();
        for (int c = 0; c < cards; c++) {
            String card = String.format(Locale.ROOT, "4000-%04d-%04d", c / 10_000, c % 10_000);
            String home = COUNTRIES[random.nextInt(COUNTRIES.length)];
            boolean travelling = random.nextDouble() < 0.05;
            String abroad = COUNTRIES[random.nextInt(COUNTRIES.length)];
            int count = 4 + random.nextInt(17);
            for (int i = 0; i < count; i++) {
                Instant time = start.plusSeconds(random.nextInt(24 * 3600));
                String country = travelling && random.nextDouble() < 0.5 ? abroad : home;
                transactions.add(new Transaction(card + "-" + i, card, amount(random), country, time));
            }
            if (random.nextDouble() < 0.03) {
                // card testing: a purchase at home, then a large one abroad minutes later
                Instant time = start.plusSeconds(random.nextInt(22 * 3600));
                String elsewhere = home.equals("NL") ? "RU" : "NL";
                transactions.add(new Transaction(card + "-f0", card, 12.5, home, time));
                transactions.add(new Transaction(card + "-f1", card, 1_500 + random.nextInt(3_000), elsewhere,
                        time.plus(Duration.ofMinutes(3 + random.nextInt(40)))));
            }
        }
        transactions.sort(Comparator.comparing(Transaction::time).thenComparing(Transaction::id));
        return transactions;
    }

    private static double amount(Random random) {
        double amount = Math.exp(Math.log(40) + 1.1 * random.nextGaussian());
        return Math.round(Math.min(amount, 9_999) * 100) / 100.0;
    }
}
