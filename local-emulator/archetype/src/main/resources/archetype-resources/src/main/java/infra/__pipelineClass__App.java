package ${package}.infra;

import ${package}.${pipelineClass};
import ${package}.${pipelineClass}Handler;
import dev.eddy.cdk.EddyPipelineProps;
import dev.eddy.cdk.EddyPipelineStack;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: one stack with everything the pipeline names (stream, state table, function, event source mapping,
 * Firehose delivery stream with its bucket, failure queue, alarms). cdk.json runs it; `mvn package` first builds
 * the function's jar, target/${pipeline}.jar. Not part of that jar (the pom leaves this package out).
 */
public final class ${pipelineClass}App {

    private ${pipelineClass}App() {
    }

    /**
     * Synthesises the stack into cdk.out.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        App app = new App();
        stack(app, Path.of("target", "${pipeline}.jar"));
        app.synth();
    }

    /**
     * The pipeline's stack, as deployed; its test checks it too (${pipelineClass}AppTest).
     *
     * @param app the app to add it to
     * @param jar the function's jar
     * @return the stack
     */
    static EddyPipelineStack stack(App app, Path jar) {
        return new EddyPipelineStack(app, "${pipelineClass}", StackProps.builder().build(), new ${pipelineClass}(),
                ${pipelineClass}Handler.class, EddyPipelineProps.defaults().withJar(jar));
    }
}
