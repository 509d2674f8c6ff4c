package dev.eddy.internal;

import dev.eddy.config.EddySettings;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import dev.eddy.sink.internal.AwsSinkFactory;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The sinks a function's settings select. Internal; {@code EddyHandler} asks it. */
public final class SinkFactories {

    private SinkFactories() {
    }

    /**
     * The sink factory a function's settings select with {@code EDDY_SINKS}: {@code aws} (the default: the
     * pipeline's Firehose, SNS, Kinesis and SQS destinations) or {@code file:<folder>} (JSON lines in files, for
     * local runs).
     *
     * @param settings the function's settings
     * @param functionArn gives the invoked function's ARN, or {@code null} while unknown: where AWS sinks find the
     *     account and region of SNS topic ARNs
     * @return the factory; no client is created yet
     * @throws IllegalStateException if {@code EDDY_SINKS} is set to something else; the message says what to set
     */
    public static SinkFactory fromSettings(EddySettings settings, Supplier<String> functionArn) {
        String value = settings.get(EddySettings.SINKS).orElse("aws");
        if (value.equals("aws")) {
            return AwsSinkFactory.forFunction(settings, functionArn);
        }
        if (value.startsWith("file:") && value.length() > "file:".length()) {
            return new FileSinkFactory(Path.of(value.substring("file:".length())));
        }
        throw new IllegalStateException(EddySettings.SINKS + "='" + value + "' is not understood: use aws (deliver to"
                + " the pipeline's Firehose, SNS, Kinesis and SQS destinations) or file:<folder> (write them to"
                + " files)");
    }

    /**
     * @param factory the sinks
     * @param wrap gives the writer of a result sink (its reference, the factory's writer) in place of the factory's;
     *     the failure destination's and the late-data output's writers are the factory's
     * @return the sinks, their result writers wrapped (an injected outage or fault)
     */
    static SinkFactory wrappingResults(SinkFactory factory,
            java.util.function.BiFunction<SinkRef, SinkWriter, SinkWriter> wrap) {
        return new SinkFactory() {
            @Override
            public SinkWriter open(SinkRef ref) {
                return wrap.apply(ref, factory.open(ref));
            }

            @Override
            public SinkWriter failures(String pipeline, SinkRef destination) {
                return factory.failures(pipeline, destination);
            }

            @Override
            public SinkWriter lateData(String pipeline, SinkRef failureDestination) {
                return factory.lateData(pipeline, failureDestination);
            }
        };
    }
}
