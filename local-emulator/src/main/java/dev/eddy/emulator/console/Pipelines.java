package dev.eddy.emulator.console;

import dev.eddy.handler.EddyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The handlers a command can run: those of a function jar, or those on the class path.
 *
 * <p>A function jar (a user's {@code target/<pipeline>.jar}, shaded or not) is loaded in a class loader of its own
 * whose parent is the emulator's, parent first: Eddy's own classes and the libraries the emulator has are the
 * emulator's, so the jar's pipeline runs on exactly the framework that runs the emulator's examples, and only the
 * user's classes (and libraries the emulator lacks) come from the jar. Its handlers are the concrete public classes
 * in it that extend {@link EddyHandler}; no {@code META-INF/services} entry is needed. On the class path (the
 * emulator's tests) the handlers are those listed in {@code META-INF/services/dev.eddy.handler.EddyHandler}.
 *
 * <p>A handler's pipeline is known only by creating the handler (its constructor defines the pipeline), so
 * finding one by pipeline name creates the handlers one by one and closes each at once.
 */
public final class Pipelines {

    private static final String FRAMEWORK_POM = "META-INF/maven/dev.eddy/eddy-framework/pom.properties";
    private static final Map<Path, Pipelines> JARS = new ConcurrentHashMap<>();

    private final Path jar;
    private final ClassLoader loader;
    private final List<Class<? extends EddyHandler>> handlers;

    private Pipelines(Path jar, ClassLoader loader, List<Class<? extends EddyHandler>> handlers) {
        this.jar = jar;
        this.loader = loader;
        this.handlers = handlers;
    }

    /** @return the handlers listed in the class path's {@code META-INF/services/dev.eddy.handler.EddyHandler} */
    public static Pipelines onClassPath() {
        List<Class<? extends EddyHandler>> found = new ArrayList<>();
        for (ServiceLoader.Provider<EddyHandler> provider : ServiceLoader.load(EddyHandler.class).stream().toList()) {
            found.add(provider.type());
        }
        return new Pipelines(null, Pipelines.class.getClassLoader(), List.copyOf(found));
    }

    /**
     * Loads a function jar once per JVM; later calls with the same path return the same class loader and handlers.
     * Warns on standard error when the jar was built with another version of Eddy than this emulator's.
     *
     * @param jar a function jar, as {@code mvn package} builds it
     * @return its handlers
     * @throws UsageError if the file does not exist or is not a jar
     */
    public static Pipelines inJar(Path jar) {
        Path key = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(key)) {
            throw new UsageError("--jar " + jar + ": no such file (" + key + "); build the function jar with"
                    + " `mvn package` in its project, or give the jar's path");
        }
        return JARS.computeIfAbsent(key, Pipelines::load);
    }

    private static Pipelines load(Path jar) {
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("eddy-function:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                    Pipelines.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new UsageError("--jar " + jar + ": not a usable path (" + e.getMessage() + ")");
        }
        ClassLoader parent = Pipelines.class.getClassLoader();
        List<Class<? extends EddyHandler>> found = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            warnOnOtherEddyVersion(jar, file, parent);
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")
                        || parent.getResource(name) != null) {
                    continue; // not a class of the user's, or one the emulator has (and so uses) itself
                }
                Class<? extends EddyHandler> handler = handlerOrNull(name, loader);
                if (handler != null) {
                    found.add(handler);
                }
            }
        } catch (IOException e) {
            throw new UsageError("--jar " + jar + ": cannot read it as a jar (" + e.getMessage() + ")");
        }
        found.sort(java.util.Comparator.comparing(Class::getName));
        return new Pipelines(jar, loader, List.copyOf(found));
    }

    private static Class<? extends EddyHandler> handlerOrNull(String entry, ClassLoader loader) {
        String className = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // a class whose dependencies are not in the jar cannot be a handler Lambda could create
        }
        if (!EddyHandler.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())
                || !Modifier.isPublic(type.getModifiers())) {
            return null;
        }
        return type.asSubclass(EddyHandler.class);
    }

    private static void warnOnOtherEddyVersion(Path jar, JarFile file, ClassLoader parent) throws IOException {
        JarEntry entry = file.getJarEntry(FRAMEWORK_POM);
        URL ours = parent.getResource(FRAMEWORK_POM);
        if (entry == null || ours == null) {
            return;
        }
        String theirs;
        try (InputStream in = file.getInputStream(entry)) {
            theirs = version(in);
        }
        String mine;
        try (InputStream in = ours.openStream()) {
            mine = version(in);
        }
        if (!Objects.equals(theirs, mine)) {
            System.err.println("[eddy] warning: " + jar.getFileName() + " was built with Eddy " + theirs
                    + ", this emulator is Eddy " + mine + ": its pipeline runs on Eddy " + mine + ". Use the"
                    + " emulator of the project's Eddy version (its ./eddy launcher does) to run what you deploy.");
        }
    }

    private static String version(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version");
    }

    /** @return the class loader the handlers come from, for the threads that run them */
    public ClassLoader loader() {
        return loader;
    }

    /**
     * Chooses a handler: by class name, else by pipeline name, else the only one.
     *
     * @param pipelineName a pipeline name, e.g. {@code flight-delays}, or {@code null}
     * @param handlerClass a handler's fully qualified class name, or {@code null}
     * @return the handler class
     * @throws UsageError if none matches, or neither is given and there is not exactly one handler; the message
     *     lists the pipelines there are
     */
    public Class<? extends EddyHandler> choose(String pipelineName, String handlerClass) {
        if (handlerClass != null) {
            Class<? extends EddyHandler> chosen = handlers.stream().filter(h -> h.getName().equals(handlerClass))
                    .findFirst().orElseThrow(() -> new UsageError("--handler " + handlerClass + ": " + where()
                            + " has no such handler; its handlers: " + listing()));
            if (pipelineName != null) {
                try (EddyHandler handler = instantiate(chosen)) {
                    if (!handler.pipeline().name().equals(pipelineName)) {
                        throw new UsageError("--handler " + handlerClass + " runs pipeline '"
                                + handler.pipeline().name() + "', not '" + pipelineName + "'; name one of the two");
                    }
                }
            }
            return chosen;
        }
        if (pipelineName == null) {
            if (handlers.size() == 1) {
                return handlers.get(0);
            }
            throw new UsageError(handlers.isEmpty() ? noHandler()
                    : where() + " holds " + handlers.size() + " pipelines: " + listing()
                            + "; name one (e.g. `eddy run " + names().keySet().iterator().next()
                            + " …`) or give --handler CLASS");
        }
        Map<String, Class<? extends EddyHandler>> byName = names();
        Class<? extends EddyHandler> chosen = byName.get(pipelineName);
        if (chosen == null) {
            throw new UsageError(handlers.isEmpty() ? noHandler()
                    : "no pipeline named '" + pipelineName + "' in " + where() + "; its pipelines: " + listing());
        }
        return chosen;
    }

    /** @return each handler's pipeline name and class, in class name order (creates and closes every handler) */
    public Map<String, Class<? extends EddyHandler>> names() {
        Map<String, Class<? extends EddyHandler>> byName = new LinkedHashMap<>();
        for (Class<? extends EddyHandler> type : handlers) {
            try (EddyHandler handler = instantiate(type)) {
                byName.putIfAbsent(handler.pipeline().name(), type);
            }
        }
        return byName;
    }

    private String listing() {
        List<String> entries = new ArrayList<>();
        names().forEach((name, type) -> entries.add(name + " (" + type.getName() + ")"));
        return String.join(", ", entries);
    }

    private String where() {
        return jar != null ? jar.getFileName().toString() : "the class path";
    }

    private String noHandler() {
        return jar != null
                ? jar + " holds no Eddy handler: a public class that extends dev.eddy.handler.EddyHandler and has a"
                        + " public no-argument constructor. Is it the function jar `mvn package` built?"
                : "no Eddy handler on the class path (none is listed in META-INF/services/"
                        + EddyHandler.class.getName() + "); give the function jar with --jar JAR";
    }

    /**
     * @param type a handler class
     * @return a new instance, through its public no-argument constructor, created with the handler's class loader
     *     as the thread's context class loader
     * @throws IllegalStateException if it has none or it throws
     */
    public static EddyHandler instantiate(Class<? extends EddyHandler> type) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(type.getClassLoader());
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot create handler " + type.getName()
                    + " (it needs a public no-argument constructor, and its pipeline definition must build): "
                    + cause, cause);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
