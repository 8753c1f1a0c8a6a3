package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The test hub with its data directory on a tmpfs of {@link #SIZE} bytes, so that a test can fill
 * the disk for real. Mounting needs root (as the suite runs here); where it cannot be done,
 * {@link #missing} says why and the test skips itself with that reason.
 */
public class SmallDisk extends TestHub {

    public static final long SIZE = 2L << 20;
    public static Path mount;
    /** Why there is no small disk; null when there is one. */
    public static String missing;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        try {
            mount = Files.createTempDirectory("hub-small-disk-");
            missing = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", mount.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestFiles.deleteTree(dataDir);
        dataDir = mount.resolve("data");
        try {
            Files.createDirectories(dataDir.resolve("demo-input"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("hub.data-dir", dataDir.toString());
        config.put("hub.demo.input-dir", dataDir.resolve("demo-input").toString());
        return config;
    }

    @Override
    public void stop() {
        if (missing == null) {
            run("umount", "-l", mount.toString());
        }
        TestFiles.deleteTree(mount);
    }

    /** Null when the command succeeded, else what is missing. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            return process.waitFor() == 0 ? null : "a small tmpfs of its own: '" + String.join(" ", command) + "' failed ("
                    + output.trim() + "); it needs root (or CAP_SYS_ADMIN)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fills the disk until only {@code left} bytes are free; deleting the returned file frees it again. */
    public static Path fillLeaving(long left) throws IOException {
        Path filler = mount.resolve("filler");
        long usable = Files.getFileStore(mount).getUsableSpace();
        Files.write(filler, new byte[(int) Math.max(0, usable - left)]);
        return filler;
    }
}
