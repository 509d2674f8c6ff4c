package dev.eddy.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SinkRefTest {

    @Test
    void namesFollowEachServicesRule() {
        assertThat(Kinesis.stream("orders-by-customer").describe()).isEqualTo("kinesis:orders-by-customer");
        assertThatThrownBy(() -> Kinesis.stream("a b")).hasMessageContaining("1-128 characters");
        assertThatThrownBy(() -> Kinesis.stream("k".repeat(129))).hasMessageContaining("1-128 characters");
        assertThat(Sqs.queue("q".repeat(80)).name()).hasSize(80);
        assertThat(Sqs.queue("alerts.fifo").fifo()).isTrue();
        assertThatThrownBy(() -> Sqs.queue("q".repeat(81))).hasMessageContaining("1-80 characters");
        assertThatThrownBy(() -> Sqs.queue("q".repeat(76) + ".fifo")).hasMessageContaining("1-80 characters");
        assertThat(Sns.topic("alerts.fifo").fifo()).isTrue();
        assertThat(Sns.topic("alerts").fifo()).isFalse();
    }

    @Test
    void snsAttributeFieldsAreCheckedWhenThePipelineIsDefined() {
        assertThat(Sns.topic("t").withAttributes("severity", "origin").attributeFields())
                .containsExactly("severity", "origin");
        assertThatThrownBy(() -> Sns.topic("t").withAttributes("a", "b", "c", "d", "e"))
                .hasMessageContaining("at most 4");
        assertThatThrownBy(() -> Sns.topic("t").withAttributes("key")).hasMessageContaining("Eddy's own");
        assertThatThrownBy(() -> Sns.topic("t").withAttributes("AWS.x")).hasMessageContaining("'AWS.x'");
        assertThatThrownBy(() -> Sns.topic("t").withAttributes("a", "a")).hasMessageContaining("repeat");
    }

    @Test
    void firehoseRecordsAreNewlineDelimitedUnlessSaidOtherwise() {
        assertThat(Firehose.deliveryStream("s").newlineDelimited()).isTrue();
        assertThat(Firehose.deliveryStream("s").withoutNewlines().newlineDelimited()).isFalse();
    }
}
