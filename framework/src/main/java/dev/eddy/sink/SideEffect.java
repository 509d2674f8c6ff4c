package dev.eddy.sink;

/**
 * A user's own side effect on a result — a call to an external service — made once per idempotency key by
 * {@link dev.eddy.pipeline.ResultStream#forEachOnce(String, java.util.function.Function, SideEffect)}.
 *
 * <p><b>What "once" means.</b> Per batch, Eddy asks the state backend which idempotency keys are marked done,
 * calls this function for the others in result order, and then marks the successful ones done. A key marked done
 * is never called again (within the binding's retention). But a crash between a call and its marker — a Lambda
 * timeout, an out-of-memory kill, a failed marker write — makes the retried batch call it again. So the calls are
 * <b>at least once, each with a stable idempotency key</b>; they are <b>exactly once when the external service
 * honours the key</b> (Stripe's {@code Idempotency-Key} header, SQS FIFO's {@code MessageDeduplicationId}, a
 * conditional write keyed by it, a unique constraint, ...). That is why the key is passed in: hand it on.
 *
 * <p>Throwing fails the batch: the calls that succeeded before it are marked done, the event source mapping
 * retries the batch, and the retry calls only the keys not marked yet — the one that threw and those after it.
 *
 * <p>Cost, compared with per-record idempotency (Powertools for AWS Lambda's {@code @Idempotent}: a conditional
 * put of an {@code INPROGRESS} record before each call and an update to {@code COMPLETED} after it — 2 writes and
 * 2 round trips per call): here one strongly consistent {@code BatchGetItem} per 100 keys of a batch, then about
 * 1 write unit per call, in one {@code BatchWriteItem} per 25 calls. In exchange there is no {@code INPROGRESS}
 * lock: two invocations racing on the same batch (a zombie) may both call; the key makes that harmless.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SideEffect<T> {

    /**
     * Makes the side effect for one result.
     *
     * @param value the result
     * @param idempotencyKey the key this call is deduplicated by: the same on every retry of the same result. Pass
     *     it to the external service so that it can drop a repeated call
     * @throws Exception to fail the batch; it is retried, and the retry calls this key again
     */
    void apply(T value, String idempotencyKey) throws Exception;
}
