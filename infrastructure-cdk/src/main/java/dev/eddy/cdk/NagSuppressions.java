package dev.eddy.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

/**
 * The construct's answers to the security checkers users run on its templates, in one place, each written as
 * metadata of the resource it concerns so that the construct needs neither checker as a dependency and a user's run
 * reports nothing for Eddy's resources:
 *
 * <ul>
 * <li>cdk-nag's AwsSolutions pack (the CDK ecosystem's rule packs, {@code io.github.cdklabs:cdknag}): the
 *     {@code cdk_nag} metadata, {@code {"rules_to_suppress": [{"id", "reason", "applies_to"?}]}};
 * <li>checkov (PyPI {@code checkov}) on the synthesised CloudFormation: the {@code checkov} metadata,
 *     {@code {"skip": [{"id", "comment"}]}}, as checkov's CloudFormation parser reads it.
 * </ul>
 *
 * Every answer carries its reason; docs/deploy.md ("Security checks") lists them.
 */
final class NagSuppressions {

    /** The metadata key cdk-nag reads. */
    static final String CDK_NAG = "cdk_nag";
    /** The metadata key checkov reads. */
    static final String CHECKOV = "checkov";

    private NagSuppressions() {
    }

    /**
     * Suppresses a cdk-nag rule on one resource.
     *
     * @param construct a resource, or an L2 construct whose default child is one
     * @param rule the rule, e.g. {@code AwsSolutions-IAM4}
     * @param reason why the finding does not apply, at least 10 characters (cdk-nag's rule)
     * @param appliesTo the findings it covers, for rules with several per resource (e.g. a policy's ARN), or none
     *     for all of them; a value starting with {@code /} is a regular expression
     * @throws IllegalArgumentException if the construct is not a CloudFormation resource and has none as default
     *     child
     */
    static void suppress(IConstruct construct, String rule, String reason, String... appliesTo) {
        CfnResource resource = resource(construct);
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
        resource.addMetadata(CDK_NAG, Map.of("rules_to_suppress", appended(resource, CDK_NAG, "rules_to_suppress",
                suppression)));
    }

    /**
     * Skips a checkov check on one resource.
     *
     * @param construct a resource, or an L2 construct whose default child is one
     * @param check checkov's id, e.g. {@code CKV_AWS_117}
     * @param reason why the finding does not apply (checkov prints it as the skip's comment)
     * @throws IllegalArgumentException if the construct is not a CloudFormation resource and has none as default
     *     child
     */
    static void skipCheckov(IConstruct construct, String check, String reason) {
        CfnResource resource = resource(construct);
        Map<String, Object> skip = new LinkedHashMap<>();
        skip.put("id", check);
        skip.put("comment", reason);
        resource.addMetadata(CHECKOV, Map.of("skip", appended(resource, CHECKOV, "skip", skip)));
    }

    private static CfnResource resource(IConstruct construct) {
        if (construct instanceof CfnResource r) {
            return r;
        }
        if (construct.getNode().getDefaultChild() instanceof CfnResource r) {
            return r;
        }
        throw new IllegalArgumentException(construct.getNode().getPath() + " is no CloudFormation resource and has"
                + " none as its default child: suppress on the resource itself");
    }

    /** @return the list under {@code metadata[key][field]} so far, with {@code entry} added */
    private static List<Object> appended(CfnResource resource, String key, String field, Object entry) {
        Object existing = resource.getCfnOptions().getMetadata() == null ? null
                : resource.getCfnOptions().getMetadata().get(key);
        List<Object> entries = new ArrayList<>();
        if (existing instanceof Map<?, ?> earlier && earlier.get(field) instanceof List<?> list) {
            entries.addAll(list);
        }
        entries.add(entry);
        return entries;
    }
}
