package dev.eddy.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

/**
 * The construct's answers to cdk-nag's AwsSolutions pack (the CDK ecosystem's rule packs,
 * {@code io.github.cdklabs:cdknag}), written as the {@code cdk_nag} metadata of the resources they concern, so a
 * user's stack that applies the pack reports nothing for Eddy's resources and the construct needs no cdk-nag
 * dependency. Every suppression carries its reason; docs/deploy.md ("Security checks") lists them.
 */
final class NagSuppressions {

    private NagSuppressions() {
    }

    /**
     * @param construct a resource, or an L2 construct whose default child is one
     * @param rule the rule, e.g. {@code AwsSolutions-IAM4}
     * @param reason why the finding does not apply, at least 10 characters (cdk-nag's rule)
     * @param appliesTo the findings it covers, for rules with several per resource (e.g. a policy's ARN), or none
     *     for all of them; a value starting with {@code /} is a regular expression
     * @throws IllegalArgumentException if the construct is not a CloudFormation resource and has none as default
     *     child
     */
    static void suppress(IConstruct construct, String rule, String reason, String... appliesTo) {
        CfnResource resource = construct instanceof CfnResource r ? r
                : construct.getNode().getDefaultChild() instanceof CfnResource r ? r : null;
        if (resource == null) {
            throw new IllegalArgumentException(construct.getNode().getPath() + " is no CloudFormation resource");
        }
        Map<String, Object> suppression = new LinkedHashMap<>();
        suppression.put("id", rule);
        suppression.put("reason", reason);
        if (appliesTo.length > 0) {
            List<Object> findings = new ArrayList<>();
            for (String finding : appliesTo) {
                findings.add(finding.startsWith("/") ? Map.of("regex", finding) : finding);
            }
            suppression.put("applies_to", findings);
        }
        Object existing = resource.getCfnOptions().getMetadata() == null ? null
                : resource.getCfnOptions().getMetadata().get("cdk_nag");
        List<Object> rules = new ArrayList<>();
        if (existing instanceof Map<?, ?> nag && nag.get("rules_to_suppress") instanceof List<?> earlier) {
            rules.addAll(earlier);
        }
        rules.add(suppression);
        resource.addMetadata("cdk_nag", Map.of("rules_to_suppress", rules));
    }
}
