package dev.eddy.emulator.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} of one local invocation: a fresh request id, the function's name, memory and a deadline
 * that {@link #getRemainingTimeInMillis()} counts down to.
 */
public final class LocalContext implements Context {

    private static final Logger LOG = LoggerFactory.getLogger("lambda");

    private final String requestId = UUID.randomUUID().toString();
    private final String functionName;
    private final int memoryMb;
    private final long deadlineMs;

    /**
     * @param functionName function name
     * @param memoryMb configured memory, MB
     * @param timeoutMs configured timeout, ms
     */
    public LocalContext(String functionName, int memoryMb, long timeoutMs) {
        this.functionName = functionName;
        this.memoryMb = memoryMb;
        this.deadlineMs = System.currentTimeMillis() + timeoutMs;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/" + Thread.currentThread().getName();
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + LambdaEvents.REGION + ":" + LambdaEvents.ACCOUNT + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMs - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                LOG.info(message);
            }

            @Override
            public void log(byte[] message) {
                LOG.info(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
