package dev.eddy.emulator.deploy;

import dev.eddy.config.StackOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Export;

/**
 * A pipeline deployed with the {@code EddyPipeline} construct, as its stack's exports name it
 * ({@link StackOutput}): {@code eddy run --endpoint} runs against these resources, by the names the stack gave
 * them.
 *
 * @param stack the stack that exports them
 * @param stream the Kinesis stream the pipeline reads
 * @param table its DynamoDB state table
 * @param failureQueueUrl its failure destination's SQS queue URL
 */
public record DeployedPipeline(String stack, String stream, String table, String failureQueueUrl) {

    /**
     * @param endpoint a local endpoint (moto's server, LocalStack)
     * @param pipeline a pipeline name
     * @return the pipeline's deployed resources, if a stack there exports its stream and table; empty too where the
     *     endpoint has no CloudFormation at all (a Kinesis emulator of its own, say)
     */
    public static Optional<DeployedPipeline> at(java.net.URI endpoint, String pipeline) {
        try (CloudFormationClient cloudFormation = Endpoints.cloudFormation(endpoint)) {
            return find(cloudFormation, pipeline);
        } catch (software.amazon.awssdk.core.exception.SdkException noStackThere) {
            return Optional.empty();
        }
    }

    /** @return the account of the resources: the one in the failure queue's URL ({@code …/<account>/<queue>}) */
    public String account() {
        String[] path = java.net.URI.create(failureQueueUrl).getPath().split("/");
        return path.length > 1 ? path[1] : "000000000000";
    }

    /**
     * @param cloudFormation a CloudFormation client of the endpoint
     * @param pipeline a pipeline name
     * @return the pipeline's deployed resources, if a stack there exports its stream and table
     */
    public static Optional<DeployedPipeline> find(CloudFormationClient cloudFormation, String pipeline) {
        Map<String, Export> exports = exports(cloudFormation);
        Export stream = exports.get(StackOutput.STREAM.exportName(pipeline));
        Export table = exports.get(StackOutput.TABLE.exportName(pipeline));
        if (stream == null || table == null) {
            return Optional.empty();
        }
        Export queue = exports.get(StackOutput.FAILURE_QUEUE_URL.exportName(pipeline));
        return Optional.of(new DeployedPipeline(stackName(stream.exportingStackId()), stream.value(), table.value(),
                queue == null ? null : queue.value()));
    }

    /**
     * @param cloudFormation a CloudFormation client of the endpoint
     * @param stack a stack name
     * @return the pipelines it deploys, by name
     */
    public static List<String> pipelinesOf(CloudFormationClient cloudFormation, String stack) {
        String suffix = StackOutput.STREAM.exportName("").substring("eddy-".length());
        return exports(cloudFormation).values().stream()
                .filter(e -> stackName(e.exportingStackId()).equals(stack))
                .map(Export::name)
                .filter(n -> n.startsWith("eddy-") && n.endsWith(suffix))
                .map(n -> n.substring("eddy-".length(), n.length() - suffix.length()))
                .sorted().toList();
    }

    private static Map<String, Export> exports(CloudFormationClient cloudFormation) {
        Map<String, Export> byName = new LinkedHashMap<>();
        cloudFormation.listExportsPaginator(b -> { }).exports().forEach(e -> byName.put(e.name(), e));
        return byName;
    }

    /** @return the stack name in a stack id {@code arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>} */
    private static String stackName(String stackId) {
        String[] parts = stackId.split("/");
        return parts.length >= 2 ? parts[1] : stackId;
    }
}
