package dev.eddy.emulator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools the emulator installs for itself outside the checkout are the ones the checkout tests with. (Installing
 * them is exercised end to end by {@code UserProjectTest}, which runs a generated project with a fresh
 * {@code EDDY_HOME}.)
 */
class ToolHomeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Surefire runs in local-emulator/. */
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void npmToolsHaveTheCheckoutsVersionsAndLockedDependencies() throws Exception {
        JsonNode checkout = JSON.readTree(CHECKOUT.resolve("package.json").toFile()).get("devDependencies");
        JsonNode checkoutLock = JSON.readTree(CHECKOUT.resolve("package-lock.json").toFile()).get("packages");
        JsonNode tools = JSON.readTree(ToolHome.resource("package.json")).get("dependencies");
        JsonNode toolsLock = JSON.readTree(ToolHome.resource("package-lock.json")).get("packages");

        assertThat(ToolHome.NPM_PACKAGES).allSatisfy(pkg ->
                assertThat(tools.get(pkg).asText()).as(pkg).isEqualTo(checkout.get(pkg).asText()));
        toolsLock.fieldNames().forEachRemaining(path -> {
            if (!path.isEmpty()) {
                assertThat(checkoutLock.has(path)).as("%s is in the checkout's lock too", path).isTrue();
                assertThat(toolsLock.get(path).get("version")).as(path)
                        .isEqualTo(checkoutLock.get(path).get("version"));
            }
        });
    }

    @Test
    void motoHasTheCheckoutsVersion() throws Exception {
        String checkout = Files.readAllLines(CHECKOUT.resolve(MotoServer.REQUIREMENTS)).stream()
                .filter(line -> line.startsWith("moto")).findFirst().orElseThrow();
        String tools = new String(ToolHome.resource("requirements.txt")).lines()
                .filter(line -> line.startsWith("moto")).findFirst().orElseThrow();
        assertThat(tools).isEqualTo(checkout);
    }

    @Test
    void eachToolSetHasAFolderOfItsOwnUnderEddyHome(@TempDir Path home) throws Exception {
        System.setProperty(ToolHome.HOME, home.toString());
        try {
            Path dir = ToolHome.dir();
            assertThat(dir.getParent()).isEqualTo(home.resolve("tools"));
            assertThat(dir.getFileName().toString()).matches("[0-9a-f]{12}");
            assertThat(Files.readAllBytes(dir.resolve("package-lock.json")))
                    .isEqualTo(ToolHome.resource("package-lock.json"));
            assertThat(ToolHome.dir()).as("the same set, the same folder").isEqualTo(dir);
        } finally {
            System.clearProperty(ToolHome.HOME);
        }
    }
}
