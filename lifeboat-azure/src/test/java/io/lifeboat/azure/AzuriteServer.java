package io.lifeboat.azure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Microsoft's Azurite emulator (blob service only), run for tests on a free loopback port
 * with in-memory storage, one random account key per server and telemetry off. Tests of
 * other modules reuse it through the lifeboat-azure test-jar:
 *
 * <pre>{@code
 * AzuriteServer azurite = AzuriteServer.shared();          // or start() ... stop()
 * Map<String, String> env = azurite.env();                  // AZURE_STORAGE_CONNECTION_STRING
 * lifeboat init --repo azure://some-container/prefix        // with that environment
 * }</pre>
 *
 * Azurite has no immutability policies: a test of retention-locked repositories also sets
 * {@code LIFEBOAT_AZURE_IMMUTABILITY=emulated} (see {@link #env(boolean)}).
 *
 * <h2>Installation</h2>
 * The npm package {@code azurite} at the version of the root pom's {@code azurite.version}
 * (passed to tests as the system property {@code lifeboat.azurite.version}) is installed on
 * first use with {@code npm install} into {@code <repository>/.test-tools/azurite-VERSION}
 * (git-ignored; the system property {@code lifeboat.test-tools} names the folder), under a
 * file lock so that concurrent test JVMs install it once. Without Node.js and npm the tests
 * fail with a message saying so; they never skip.
 *
 * <p>The emulator runs behind a tiny Node script that exits when its standard input closes,
 * so it dies with the JVM that started it even if that JVM is killed.
 */
public final class AzuriteServer implements AutoCloseable {
    /** The account the emulator serves. */
    public static final String ACCOUNT = "lifeboat";

    private static final String WATCHDOG = """
            // Written by Lifeboat's AzuriteServer: runs Azurite's blob service and exits when the
            // JVM that started it goes away (its standard input closes), or on SIGTERM/SIGINT
            // (after Azurite's own handler has closed the server).
            process.stdin.on('end', () => process.exit(0));
            process.stdin.on('error', () => process.exit(0));
            process.stdin.resume();
            for (const signal of ['SIGTERM', 'SIGINT']) {
              process.on(signal, () => { process.stdin.destroy(); setTimeout(() => process.exit(0), 1000); });
            }
            require(process.env.LIFEBOAT_AZURITE_MAIN);
            """;

    private static AzuriteServer shared;

    private final Process process;
    private final int port;
    private final String key;
    private final Path workDirectory;
    private final Deque<String> output;

    private AzuriteServer(Process process, int port, String key, Path workDirectory, Deque<String> output) {
        this.process = process;
        this.port = port;
        this.key = key;
        this.workDirectory = workDirectory;
        this.output = output;
    }

    /** One server for the whole test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized AzuriteServer shared() throws IOException {
        if (shared == null || !shared.process.isAlive()) {
            AzuriteServer server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "azurite-stop"));
            shared = server;
        }
        return shared;
    }

    /** Installs Azurite if needed and starts a new server; {@link #stop} it when done. */
    public static AzuriteServer start() throws IOException {
        Path home = install();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken before Azurite binds it
            try {
                return launch(home, freePort());
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The blob endpoint, e.g. {@code http://127.0.0.1:41234/lifeboat}. */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public int port() {
        return port;
    }

    public String accountName() {
        return ACCOUNT;
    }

    /** The account key (random per server). */
    public String accountKey() {
        return key;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + key + ";BlobEndpoint="
                + blobEndpoint() + ";";
    }

    /** The environment for a Lifeboat process or store: the connection string. */
    public Map<String, String> env() {
        return Map.of(AzureSettings.CONNECTION_STRING, connectionString());
    }

    /** {@link #env()}, plus {@code LIFEBOAT_AZURE_IMMUTABILITY=emulated} if {@code emulatedLocks}. */
    public Map<String, String> env(boolean emulatedLocks) {
        return emulatedLocks ? Map.of(AzureSettings.CONNECTION_STRING, connectionString(),
                "LIFEBOAT_AZURE_IMMUTABILITY", "emulated") : env();
    }

    /** The emulator's last lines of output, for failure messages. */
    public String recentOutput() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    public void stop() {
        try {
            process.getOutputStream().close(); // the watchdog exits when its stdin closes
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(workDirectory);
    }

    @Override
    public void close() {
        stop();
    }

    // ---- installing

    /**
     * Installs the Azurite npm package unless it is there already, and returns its folder.
     *
     * @throws IllegalStateException if npm is missing or the install fails, with the reason
     */
    public static Path install() throws IOException {
        String version = System.getProperty("lifeboat.azurite.version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("the system property lifeboat.azurite.version is not set: run the Azure"
                    + " tests through Maven (the root pom.xml sets it from azurite.version for every module's tests)");
        }
        Path tools = testTools();
        Path home = tools.resolve("azurite-" + version);
        if (installed(home)) {
            return home;
        }
        Files.createDirectories(tools);
        try (FileChannel lockFile = FileChannel.open(tools.resolve(".azurite.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            if (!installed(home)) { // another JVM may have installed it while we waited
                npmInstall(tools, home, version);
            }
        }
        return home;
    }

    private static boolean installed(Path home) {
        return Files.isRegularFile(mainScript(home));
    }

    private static Path mainScript(Path home) {
        return home.resolve("node_modules/azurite/dist/src/blob/main.js");
    }

    private static void npmInstall(Path tools, Path home, String version) throws IOException {
        requireTool("node");
        requireTool("npm");
        Path partial = Files.createTempDirectory(tools, "azurite-" + version + ".partial-");
        Path log = tools.resolve("azurite-" + version + ".install.log");
        List<String> command = List.of("npm", "install", "--prefix", partial.toString(), "--no-audit", "--no-fund",
                "--no-package-lock", "--ignore-scripts", "--engine-strict=false", "--loglevel=error",
                "azurite@" + version);
        try {
            int exit = run(command, tools, log, 15);
            if (exit != 0 || !Files.isRegularFile(mainScript(partial))) {
                throw new IllegalStateException("could not install Azurite " + version + " for the Azure tests ("
                        + String.join(" ", command) + " exited " + exit + "); see " + log + ":\n" + tail(log));
            }
            deleteTree(home); // an incomplete earlier attempt
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(partial);
        }
    }

    private static void requireTool(String tool) {
        try {
            if (run(List.of(tool, "--version"), Path.of("."), null, 1) == 0) {
                return;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalStateException("the Azure tests run Microsoft's Azurite emulator, which needs Node.js and"
                + " npm on the PATH, and '" + tool + "' was not found or does not work. Install them (for example"
                + " `apt-get install nodejs npm`) and run the tests again; the first run installs Azurite into"
                + " .test-tools/ with npm");
    }

    private static int run(List<String> command, Path dir, Path log, int minutes) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        try {
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + minutes + " minutes");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
    }

    /** {@code <repository>/.test-tools}, or the folder the system property {@code lifeboat.test-tools} names. */
    static Path testTools() {
        String configured = System.getProperty("lifeboat.test-tools");
        if (configured != null && !configured.isBlank() && !configured.contains("${")) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve(".mvn"))) {
                return dir.resolve(".test-tools");
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with mvnw) above "
                + Path.of("").toAbsolutePath() + "; set -Dlifeboat.test-tools=FOLDER");
    }

    // ---- running

    private static AzuriteServer launch(Path home, int port) throws IOException {
        byte[] keyBytes = new byte[64];
        new SecureRandom().nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        Path work = Files.createTempDirectory("lifeboat-azurite-");
        Path watchdog = Files.writeString(work.resolve("lifeboat-watchdog.js"), WATCHDOG);
        ProcessBuilder pb = new ProcessBuilder("node", watchdog.toString(),
                "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                "--inMemoryPersistence", "--extentMemoryLimit", "2048",
                "--skipApiVersionCheck", "--disableTelemetry", "--silent")
                .directory(work.toFile())
                .redirectErrorStream(true);
        pb.environment().put("LIFEBOAT_AZURITE_MAIN", mainScript(home).toString());
        pb.environment().put("AZURITE_ACCOUNTS", ACCOUNT + ":" + key);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            requireTool("node");
            throw e;
        }
        Deque<String> output = new ArrayDeque<>();
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> readOutput(process, output, listening), "azurite-output-" + port);
        reader.setDaemon(true);
        reader.start();
        AzuriteServer server = new AzuriteServer(process, port, key, work, output);
        try {
            boolean up = listening.await(60, TimeUnit.SECONDS) && process.isAlive();
            if (!up) {
                server.stop();
                String out = server.recentOutput();
                if (out.contains("EADDRINUSE")) {
                    throw new PortTakenException(port);
                }
                throw new IllegalStateException("Azurite did not start on 127.0.0.1:" + port + ":\n" + out);
            }
        } catch (InterruptedException e) {
            server.stop();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting Azurite");
        }
        return server;
    }

    private static void readOutput(Process process, Deque<String> output, CountDownLatch listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (output) {
                    output.addLast(line);
                    while (output.size() > 50) {
                        output.removeFirst();
                    }
                }
                if (line.contains("successfully listens")) {
                    listening.countDown();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the process ended
        } finally {
            listening.countDown(); // exited: the caller sees it is not alive
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temp folder
        }
    }

    /** Azurite could not bind the port it was given (another process took it first). */
    private static final class PortTakenException extends IOException {
        PortTakenException(int port) {
            super("port " + port + " was taken before Azurite could bind it");
        }
    }
}
