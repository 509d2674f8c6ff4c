package dev.eddy.emulator.project;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Eddy's project template: the Maven archetype {@code dev.eddy:eddy-archetype} (on the class path), rendered as
 * {@code mvn archetype:generate} renders it, for the part of the archetype format the template uses: its
 * descriptor's required properties with their defaults and its file sets ({@code directory}, Ant-style
 * {@code includes}, {@code filtered}, {@code packaged}); {@code __property__} in file names; and in filtered files
 * {@code ${property}} references to known properties, every other {@code $} left as it is (Velocity leaves
 * references it cannot resolve as they are). The template's filtered files use no other Velocity syntax
 * (ProjectTemplateTest checks it), so both render the same project.
 */
public final class ProjectTemplate {

    /** The archetype's descriptor, on the class path. */
    public static final String DESCRIPTOR = "META-INF/maven/archetype-metadata.xml";
    private static final String RESOURCES = "archetype-resources";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final Pattern FILE_NAME_PROPERTY = Pattern.compile("__([A-Za-z][A-Za-z0-9_]*)__");

    private ProjectTemplate() {
    }

    /** A file set of the descriptor. */
    record FileSet(String directory, List<String> includes, boolean filtered, boolean packaged) {
    }

    /** The descriptor: required properties with their defaults ({@code null}: none), and the file sets. */
    record Descriptor(Map<String, String> requiredProperties, List<FileSet> fileSets) {
    }

    /**
     * Writes a project.
     *
     * @param target the project folder: must not exist, or be empty
     * @param properties {@code groupId}, {@code artifactId}, {@code version}, {@code package} and the descriptor's
     *     required properties; a required property left out takes its default
     * @return the files written, relative to {@code target}, in order
     * @throws IllegalArgumentException if a property without default is missing
     * @throws UncheckedIOException if a file cannot be written
     */
    public static List<Path> write(Path target, Map<String, String> properties) {
        try (Template template = Template.open()) {
            Descriptor descriptor = template.descriptor();
            Map<String, String> values = new LinkedHashMap<>(properties);
            descriptor.requiredProperties().forEach((key, defaultValue) -> {
                if (!values.containsKey(key)) {
                    if (defaultValue == null) {
                        throw new IllegalArgumentException("the template needs the property " + key);
                    }
                    values.put(key, defaultValue);
                }
            });
            for (String key : List.of("groupId", "artifactId", "version", "package")) {
                if (values.get(key) == null) {
                    throw new IllegalArgumentException("the template needs the property " + key);
                }
            }
            values.put("packageInPathFormat", values.get("package").replace('.', '/'));
            Map<String, Path> files = new TreeMap<>();
            Map<String, Boolean> filtered = new TreeMap<>();
            files.put("pom.xml", template.root().resolve("pom.xml")); // an archetype's root pom: always filtered
            filtered.put("pom.xml", true);
            for (FileSet set : descriptor.fileSets()) {
                Path base = set.directory().isEmpty() ? template.root() : template.root().resolve(set.directory());
                if (!Files.isDirectory(base)) {
                    continue;
                }
                for (Path source : template.files(base)) {
                    String relative = base.relativize(source).toString().replace('\\', '/');
                    if (set.includes().stream().noneMatch(include -> matches(include, relative))) {
                        continue;
                    }
                    String path = (set.directory().isEmpty() ? "" : set.directory() + "/")
                            + (set.packaged() ? values.get("packageInPathFormat") + "/" : "")
                            + fileName(relative, values);
                    files.put(path, source);
                    filtered.put(path, set.filtered());
                }
            }
            return writeAll(target, files, filtered, values);
        }
    }

    /** @return the descriptor's default of a required property, e.g. {@code eddyVersion} */
    public static String defaultOf(String property) {
        try (Template template = Template.open()) {
            return template.descriptor().requiredProperties().get(property);
        }
    }

    private static List<Path> writeAll(Path target, Map<String, Path> files, Map<String, Boolean> filtered,
            Map<String, String> values) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(target);
            for (Map.Entry<String, Path> file : files.entrySet()) {
                Path to = target.resolve(file.getKey());
                Files.createDirectories(to.getParent());
                byte[] bytes = Files.readAllBytes(file.getValue());
                if (filtered.get(file.getKey())) {
                    bytes = render(new String(bytes, StandardCharsets.UTF_8), values)
                            .getBytes(StandardCharsets.UTF_8);
                }
                Files.write(to, bytes);
                if (file.getKey().equals("eddy")) {
                    Files.setPosixFilePermissions(to, EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
                }
                written.add(Path.of(file.getKey()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the project into " + target + ": " + e.getMessage(), e);
        }
        return written;
    }

    /**
     * @param text a filtered file's text
     * @param values the properties
     * @return the text with each {@code ${property}} of a known property replaced by its value
     */
    static String render(String text, Map<String, String> values) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        return matcher.appendTail(out).toString();
    }

    private static String fileName(String relative, Map<String, String> values) {
        Matcher matcher = FILE_NAME_PROPERTY.matcher(relative);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        return matcher.appendTail(out).toString();
    }

    /**
     * @param include an Ant-style pattern: {@code **} any folders, {@code *} any part of one name
     * @param path a path relative to the file set's directory, with {@code /}
     * @return whether it matches
     */
    static boolean matches(String include, String path) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < include.length(); i++) {
            char c = include.charAt(i);
            if (include.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (include.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return path.matches(regex.toString());
    }

    /** The archetype's resources, in its jar or (in a build) its classes folder. */
    static final class Template implements AutoCloseable {
        private final FileSystem jar;
        private final Path root;
        private final Path descriptor;

        private Template(FileSystem jar, Path root, Path descriptor) {
            this.jar = jar;
            this.root = root;
            this.descriptor = descriptor;
        }

        static Template open() {
            URL url = ProjectTemplate.class.getClassLoader().getResource(DESCRIPTOR);
            if (url == null) {
                throw new IllegalStateException("Eddy's project template (dev.eddy:eddy-archetype, " + DESCRIPTOR
                        + ") is not on the class path");
            }
            try {
                URI uri = url.toURI();
                if (uri.getScheme().equals("jar")) {
                    FileSystem jar;
                    FileSystem owned;
                    try {
                        jar = FileSystems.newFileSystem(uri, Map.of());
                        owned = jar;
                    } catch (java.nio.file.FileSystemAlreadyExistsException open) {
                        jar = FileSystems.getFileSystem(uri);
                        owned = null; // someone else's: left open
                    }
                    return new Template(owned, jar.getPath("/" + RESOURCES), jar.provider().getPath(uri));
                }
                Path descriptor = Path.of(uri);
                Path classes = descriptor.getParent().getParent().getParent();
                return new Template(null, classes.resolve(RESOURCES), descriptor);
            } catch (URISyntaxException | IOException e) {
                throw new IllegalStateException("cannot read Eddy's project template at " + url + ": " + e, e);
            }
        }

        Path root() {
            return root;
        }

        List<Path> files(Path base) {
            try (Stream<Path> walk = Files.walk(base)) {
                return walk.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Descriptor descriptor() {
            try (InputStream in = Files.newInputStream(descriptor)) {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setNamespaceAware(false);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                Document document = factory.newDocumentBuilder().parse(in);
                Map<String, String> required = new LinkedHashMap<>();
                NodeList properties = document.getElementsByTagName("requiredProperty");
                for (int i = 0; i < properties.getLength(); i++) {
                    Element property = (Element) properties.item(i);
                    NodeList defaults = property.getElementsByTagName("defaultValue");
                    required.put(property.getAttribute("key"),
                            defaults.getLength() > 0 ? defaults.item(0).getTextContent().strip() : null);
                }
                List<FileSet> sets = new ArrayList<>();
                NodeList fileSets = document.getElementsByTagName("fileSet");
                for (int i = 0; i < fileSets.getLength(); i++) {
                    Element set = (Element) fileSets.item(i);
                    List<String> includes = new ArrayList<>();
                    NodeList includeNodes = set.getElementsByTagName("include");
                    for (int j = 0; j < includeNodes.getLength(); j++) {
                        includes.add(includeNodes.item(j).getTextContent().strip());
                    }
                    NodeList directory = set.getElementsByTagName("directory");
                    sets.add(new FileSet(directory.getLength() > 0 ? directory.item(0).getTextContent().strip() : "",
                            includes.isEmpty() ? List.of("**") : includes,
                            Boolean.parseBoolean(set.getAttribute("filtered")),
                            Boolean.parseBoolean(set.getAttribute("packaged"))));
                }
                return new Descriptor(required, sets);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the template's descriptor " + descriptor + ": " + e, e);
            }
        }

        @Override
        public void close() {
            if (jar != null) {
                try {
                    jar.close();
                } catch (IOException ignored) {
                    // read only: nothing to lose
                }
            }
        }
    }
}
