package dev.eddy.emulator.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResource;

/**
 * What an endpoint made of a deployed stack, per resource type of its template: how many it created and, for the
 * rest, why not.
 *
 * @param stack the stack
 * @param rows one per resource type, in type order
 */
public record DeployReport(String stack, List<Row> rows) {

    /**
     * @param type a CloudFormation resource type, e.g. {@code AWS::Kinesis::Stream}
     * @param inTemplate how many the template holds
     * @param created how many the endpoint created
     * @param note how it was created, or why not
     */
    public record Row(String type, int inTemplate, int created, String note) {
        /** @return whether every one was created */
        public boolean complete() {
            return created == inTemplate;
        }
    }

    /** Why moto leaves a type out of a stack (moto 5.2.5 has no CloudFormation model for it). */
    static final Map<String, String> SKIPPED = Map.of(
            "AWS::CloudWatch::Alarm", "skipped by moto (no CloudFormation support): locally nothing publishes the"
                    + " Lambda and DynamoDB metrics alarms watch; only AWS shows them firing",
            "AWS::S3::BucketPolicy", "skipped by moto (no CloudFormation support): the TLS-only policy is not"
                    + " enforced locally (the endpoint is plain HTTP); only AWS evaluates it",
            "AWS::SNS::TopicPolicy", "skipped by moto (no CloudFormation support): the TLS-only policy is not"
                    + " enforced locally; only AWS evaluates it",
            "AWS::SQS::QueuePolicy", "skipped by moto (no CloudFormation support): the TLS-only policy is not"
                    + " enforced locally; only AWS evaluates it");

    /** Types moto creates only with Eddy's addition to its CloudFormation (moto_cloudformation.py). */
    static final Map<String, String> ADDED = Map.of(
            "AWS::KinesisFirehose::DeliveryStream", "created through moto's Firehose (Eddy's addition to its"
                    + " CloudFormation)",
            "AWS::Lambda::Alias", "created through moto's Lambda (Eddy's addition to its CloudFormation); the"
                    + " mapping is left idle: `eddy run --endpoint` invokes the handler");

    /**
     * @param cloudFormation a CloudFormation client of the endpoint
     * @param stack the stack's name
     * @param template its synthesised template ({@code cdk.out/<stack>.template.json})
     * @return the report
     * @throws IOException if the template cannot be read
     */
    public static DeployReport of(CloudFormationClient cloudFormation, String stack, Path template)
            throws IOException {
        JsonNode resources = new ObjectMapper().readTree(template.toFile()).path("Resources");
        Set<String> created = new HashSet<>();
        for (StackResource resource : cloudFormation.describeStackResources(b -> b.stackName(stack))
                .stackResources()) {
            if (resource.resourceType() != null && resource.logicalResourceId() != null
                    && resource.resourceStatusAsString() != null
                    && resource.resourceStatusAsString().endsWith("_COMPLETE")) {
                created.add(resource.logicalResourceId());
            }
        }
        Map<String, int[]> counts = new TreeMap<>();
        resources.fields().forEachRemaining(entry -> {
            int[] c = counts.computeIfAbsent(entry.getValue().path("Type").asText(), t -> new int[2]);
            c[0]++;
            c[1] += created.contains(entry.getKey()) ? 1 : 0;
        });
        List<Row> rows = new ArrayList<>();
        counts.forEach((type, c) -> rows.add(new Row(type, c[0], c[1], c[1] == c[0]
                ? ADDED.getOrDefault(type, "created") : SKIPPED.getOrDefault(type,
                        "not created by the endpoint: see its log for why"))));
        return new DeployReport(stack, List.copyOf(rows));
    }

    /** @return whether the endpoint created every resource that a run of the pipeline needs */
    public boolean runnable() {
        return rows.stream().allMatch(r -> r.complete() || SKIPPED.containsKey(r.type()));
    }

    /**
     * Prints the table.
     *
     * @param out where
     */
    public void print(PrintStream out) {
        int width = rows.stream().mapToInt(r -> r.type().length()).max().orElse(4);
        out.printf(Locale.ROOT, "%n== %s: what the endpoint made of it ==%n", stack);
        out.printf(Locale.ROOT, "  %-" + width + "s  %8s  %s%n", "resource type", "created", "");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %3d of %-2d  %s%n", row.type(), row.created(),
                    row.inTemplate(), row.note());
        }
    }
}
