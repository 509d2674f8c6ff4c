package dev.eddy.emulator.sinks;

import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.emulator.sinks.LocalSinks;
import dev.eddy.config.EddySettings;
import dev.eddy.sink.internal.AwsSinkFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One moto server for the whole test run (started by the first test class that asks, stopped when the run ends),
 * its state reset before each test, and the settings that point Eddy's AWS sinks at it. Fault injection is
 * disarmed before each test.
 */
public final class Moto implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server(context).reset();
        EntryFaults.reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MotoServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static MotoServer server(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(Moto.class))
                .getOrComputeIfAbsent("server", k -> new Resource(MotoServer.start()), Resource.class).server;
    }

    /**
     * @param moto the server
     * @param extra more settings, or overrides
     * @return settings for AWS sinks on moto: {@code EDDY_SINKS=aws}, its endpoint, region and account
     */
    public static EddySettings settings(MotoServer moto, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put(EddySettings.SINKS, "aws");
        values.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
        values.put("AWS_REGION", moto.region());
        values.put(AwsSinkFactory.ACCOUNT_SETTING, moto.accountId());
        values.putAll(extra);
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "eddylocal"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "eddylocal"));
        return EddySettings.of(values::get);
    }

    /**
     * @param moto the server
     * @return clients to provision and read back destinations on it
     */
    public static LocalSinks sinks(MotoServer moto) {
        return new LocalSinks(moto.endpoint(), software.amazon.awssdk.regions.Region.of(moto.region()),
                moto.accountId());
    }

    private record Resource(MotoServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
