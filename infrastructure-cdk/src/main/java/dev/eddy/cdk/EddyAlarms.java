package dev.eddy.cdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.dynamodb.Operation;
import software.amazon.awscdk.services.dynamodb.OperationsMetricOptions;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The alarms and dashboard of a pipeline: what an operator looks at first. No alarm has an action: wire them to
 * your paging topic ({@code alarm.addAlarmAction(new SnsAction(topic))}).
 *
 * <table>
 * <caption>Alarms</caption>
 * <tr><th>alarm</th><th>metric</th><th>fires when</th><th>means</th></tr>
 * <tr><td>{@code IteratorAge}</td><td>Lambda {@code IteratorAge}, maximum, 1 min</td><td>≥ {@value #ITERATOR_AGE_MS}
 *     ms for 5 minutes</td><td>the pipeline falls behind its stream: records wait longer than a minute (a slow
 *     or failing batch, too few shards)</td></tr>
 * <tr><td>{@code Errors}</td><td>Lambda {@code Errors}, sum, 5 min</td><td>≥ 1</td><td>an invocation failed
 *     outright (a timeout or a crash); Eddy reports its own failures as batch item failures, so this is rare</td>
 *     </tr>
 * <tr><td>{@code Throttles}</td><td>Lambda {@code Throttles}, sum, 5 min</td><td>≥ 1</td><td>Lambda could not run the
 *     function (account or reserved concurrency)</td></tr>
 * <tr><td>{@code FailureQueue}</td><td>SQS {@code ApproximateNumberOfMessagesVisible}, maximum, 5 min</td><td>≥ 1
 *     </td><td>records need a look: poison records, refused results, batches past their retries</td></tr>
 * <tr><td>{@code StateThrottles}</td><td>DynamoDB {@code ThrottledRequests} of the state table's operations, sum, 5
 *     min</td><td>≥ 1</td><td>state reads or writes were throttled (the SDK retried them; sustained throttling
 *     fails batches)</td></tr>
 * <tr><td>{@code Blocked}</td><td>Eddy {@code FailedBatches}, sum, 1 min</td><td>≥ 1 in each of
 *     {@value #BLOCKED_MINUTES} minutes</td><td>a shard has been blocked that long: its batch keeps failing (state or
 *     a sink unavailable) and the event source mapping retries it until it succeeds, losing nothing; the log
 *     says why</td></tr>
 * <tr><td>{@code NearExpiry}</td><td>Lambda {@code IteratorAge}, maximum, 1 min</td><td>≥ half the stream's
 *     retention ({@value #NEAR_EXPIRY_MS} ms of the default 24 h)</td><td>records wait half as long as the stream
 *     keeps them: fix the outage before they expire, or they are lost</td></tr>
 * </table>
 */
final class EddyAlarms {

    /** Iterator age that raises the alarm, ms. */
    static final int ITERATOR_AGE_MS = 60_000;
    /** Minutes of failed batches in a row that raise the {@code Blocked} alarm. */
    static final int BLOCKED_MINUTES = 15;
    /** Iterator age that raises the {@code NearExpiry} alarm, ms: half a stream's default retention of 24 h. */
    static final int NEAR_EXPIRY_MS = 12 * 60 * 60 * 1000;

    private EddyAlarms() {
    }

    /**
     * @return the alarms, in the order of the class comment's table
     */
    static List<Alarm> create(Construct scope, String pipeline, Function function, Table table, Queue failureQueue) {
        MetricOptions perMinuteMax = MetricOptions.builder().statistic("Maximum").period(Duration.minutes(1)).build();
        MetricOptions fiveMinuteSum = MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
        IMetric iteratorAge = function.metric("IteratorAge", perMinuteMax);
        IMetric errors = function.metricErrors(fiveMinuteSum);
        IMetric throttles = function.metricThrottles(fiveMinuteSum);
        IMetric failures = failureQueue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                .statistic("Maximum").period(Duration.minutes(5)).build());
        IMetric stateThrottles = table.metricThrottledRequestsForOperations(OperationsMetricOptions.builder()
                .operations(List.of(Operation.GET_ITEM, Operation.BATCH_GET_ITEM, Operation.QUERY,
                        Operation.PUT_ITEM, Operation.UPDATE_ITEM, Operation.DELETE_ITEM,
                        Operation.BATCH_WRITE_ITEM))
                .statistic("Sum").period(Duration.minutes(5)).build());

        List<Alarm> alarms = new ArrayList<>();
        alarms.add(alarm(scope, "IteratorAge", pipeline + ": records wait over a minute in the stream",
                iteratorAge, ITERATOR_AGE_MS, 5));
        alarms.add(alarm(scope, "Errors", pipeline + ": invocations failed (timeouts or crashes)", errors, 1, 1));
        alarms.add(alarm(scope, "Throttles", pipeline + ": Lambda throttled the function", throttles, 1, 1));
        alarms.add(alarm(scope, "FailureQueue", pipeline + ": records in the failure queue", failures, 1, 1));
        alarms.add(alarm(scope, "StateThrottles", pipeline + ": state table requests throttled", stateThrottles,
                1, 1));
        IMetric failedBatches = Metric.Builder.create().namespace("Eddy").metricName("FailedBatches")
                .dimensionsMap(Map.of("Pipeline", pipeline)).statistic("Sum").period(Duration.minutes(1)).build();
        alarms.add(alarm(scope, "Blocked", pipeline + ": a shard has been blocked for " + BLOCKED_MINUTES
                + " minutes (its batch keeps failing and is retried)", failedBatches, 1, BLOCKED_MINUTES));
        alarms.add(alarm(scope, "NearExpiry", pipeline + ": records have waited half the stream's retention",
                iteratorAge, NEAR_EXPIRY_MS, 1));

        Dashboard.Builder.create(scope, "Dashboard").dashboardName("eddy-" + pipeline)
                .widgets(List.of(List.of(
                        GraphWidget.Builder.create().title("Iterator age (ms)").left(List.of(iteratorAge)).build(),
                        GraphWidget.Builder.create().title("Errors and throttles").left(List.of(errors, throttles))
                                .build(),
                        GraphWidget.Builder.create().title("Failure queue depth").left(List.of(failures)).build(),
                        GraphWidget.Builder.create().title("State table throttles").left(List.of(stateThrottles))
                                .build())))
                .build();
        return alarms;
    }

    private static Alarm alarm(Construct scope, String id, String description, IMetric metric, int threshold,
            int periods) {
        return Alarm.Builder.create(scope, id + "Alarm")
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(periods)
                .datapointsToAlarm(periods)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
    }
}
