package dev.eddy.emulator.esm;

/** The event source mapping's behaviours on kinesis-mock, LocalStack's own Kinesis emulator. */
class OnKinesisMockTest extends EventSourceMappingTest {

    @Override
    String emulator() {
        return dev.eddy.emulator.embedded.KinesisEmulator.KINESIS_MOCK;
    }
}
