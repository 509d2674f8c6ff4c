package dev.eddy.emulator.esm;

/** The event source mapping's behaviours on kinesalite, the emulator {@code ./eddy run} starts. */
class OnKinesaliteTest extends EventSourceMappingTest {

    @Override
    String emulator() {
        return dev.eddy.emulator.embedded.KinesisEmulator.KINESALITE;
    }
}
