package dev.eddy.emulator.project;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The project template renders as {@code mvn archetype:generate} would (the generated project itself is built, run
 * and compared with the archetype's output by {@code UserProjectTest}), and stays in step with Eddy's own build.
 */
class ProjectTemplateTest {

    /** Surefire runs in local-emulator/. */
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final Path TEMPLATE = CHECKOUT.resolve("local-emulator/archetype/src/main/resources/archetype-resources");
    private static final List<String> PROPERTIES = List.of("groupId", "artifactId", "version", "package",
            "packageInPathFormat", "pipeline", "pipelineClass", "eddyVersion", "gitignore");

    @Test
    void filteredFilesUseOnlyReferencesBothRenderersReadAlike() throws IOException {
        List<Path> filtered;
        try (Stream<Path> files = Files.walk(TEMPLATE)) {
            filtered = files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(TEMPLATE.resolve("sample")) && !f.startsWith(TEMPLATE.resolve("src/lambda"))
                            && !f.equals(TEMPLATE.resolve("eddy")))
                    .toList();
        }
        assertThat(filtered).hasSizeGreaterThan(8);
        Pattern velocity = Pattern.compile("##|#[A-Za-z{]|\\$!|\\\\\\$|\\$[A-Za-z]");
        for (Path file : filtered) {
            String text = Files.readString(file);
            Matcher directive = velocity.matcher(text);
            assertThat(directive.find()).as("%s has Velocity syntax other than ${property}: '%s'", file,
                    directive.find(0) ? text.substring(directive.start(), Math.min(text.length(), directive.end() + 12))
                            : "").isFalse();
            Matcher reference = Pattern.compile("\\$\\{([^}]*)}").matcher(text);
            while (reference.find()) {
                String name = reference.group(1);
                assertThat(PROPERTIES.contains(name) || name.startsWith("project.") || name.startsWith("eddy."))
                        .as("%s: ${%s} is neither a template property nor a Maven property", file, name).isTrue();
            }
        }
    }

    @Test
    void theTemplateKeepsEddysLoggingCdkCliAndPluginVersions() throws Exception {
        assertThat(Files.readString(TEMPLATE.resolve("src/lambda/log4j2.xml")))
                .as("a project's function logs as the examples' functions do")
                .isEqualTo(Files.readString(CHECKOUT.resolve("functions/src/lambda/log4j2.xml")));
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(TEMPLATE.resolve("package.json").toFile()).at("/devDependencies/aws-cdk"))
                .isEqualTo(json.readTree(CHECKOUT.resolve("package.json").toFile()).at("/devDependencies/aws-cdk"));
        Map<String, String> eddys = pluginVersions(CHECKOUT.resolve("pom.xml"));
        Map<String, String> templates = pluginVersions(TEMPLATE.resolve("pom.xml"));
        assertThat(templates).isNotEmpty();
        templates.forEach((plugin, version) -> assertThat(version).as(plugin).isEqualTo(eddys.get(plugin)));
    }

    private static Map<String, String> pluginVersions(Path pom) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        NodeList plugins = factory.newDocumentBuilder().parse(pom.toFile()).getElementsByTagName("plugin");
        Map<String, String> versions = new TreeMap<>();
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            NodeList version = plugin.getElementsByTagName("version");
            if (version.getLength() > 0 && version.item(0).getParentNode() == plugin) {
                versions.put(plugin.getElementsByTagName("artifactId").item(0).getTextContent(),
                        version.item(0).getTextContent());
            }
        }
        return versions;
    }

    @Test
    void antStyleIncludesMatchAsTheArchetypeDoes() {
        assertThat(ProjectTemplate.matches("**/*.java", "A.java")).isTrue();
        assertThat(ProjectTemplate.matches("**/*.java", "infra/A.java")).isTrue();
        assertThat(ProjectTemplate.matches("**/*.java", "A.xml")).isFalse();
        assertThat(ProjectTemplate.matches("README.md", "README.md")).isTrue();
        assertThat(ProjectTemplate.matches("README.md", "docs/README.md")).isFalse();
        assertThat(ProjectTemplate.render("${pipeline} ${project.version} $(cat x)", Map.of("pipeline", "p")))
                .isEqualTo("p ${project.version} $(cat x)");
    }
}
