package io.feedbackhub.bench;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.winningtemp.Entity;
import io.feedbackhub.winningtemp.PassOne;
import io.feedbackhub.winningtemp.WinningtempConfig;

/**
 * {@code bench/winningtemp}: pass one of the winningtemp pickup (bindy parse, row and snapshot
 * checks, diff against the accepted snapshot) over a generated 1,000,000-user snapshot with 5,000
 * groups, in this JVM (run with {@code -Xmx512m}). Day one has no accepted snapshot; day two
 * differs from it by 1% joiners, 1% changed e-mails and 1% leavers. Prints rows/s and the peak heap
 * of each day; exit code 1 when a day's counts are not exactly the generated ones.
 *
 * <p>Settings (system properties): {@code bench.users} (1000000), {@code bench.groups} (5000),
 * {@code bench.dir} (a fresh temporary directory).
 */
public final class WinningtempBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USERS_HEADER = "Unique ID;Firstname;Lastname;Username;Email;Phone;Title;Birthday;EmployedSince;"
            + "EmployedUntil;Gender;Group member;Group admin;Segment;Status;Language";
    private static final int SEGMENTS = 50;

    private final int users = Integer.getInteger("bench.users", 1_000_000);
    private final int groups = Integer.getInteger("bench.groups", 5_000);

    public static void main(String[] args) {
        Bench.main(() -> new WinningtempBench().run());
    }

    private void run() throws Exception {
        // as in the hub (quarkus.log.level=INFO): bindy's per-field debug messages are not even formatted
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        Path dir = System.getProperty("bench.dir") != null ? Path.of(System.getProperty("bench.dir"))
                : Files.createTempDirectory("wt-bench-");
        Files.createDirectories(dir);
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        WinningtempConfig config = PassOne.config(Map.of());
        LocalDate today = LocalDate.now();
        Path segmentsFile = dir.resolve("wt_segments.csv");
        Path groupsFile = dir.resolve("wt_groups.csv");
        writeSegments(segmentsFile);
        writeGroups(groupsFile);
        PassOne.Result segments = PassOne.read(camel, JSON, config, dir, Entity.SEGMENTS, in(segmentsFile), today, null, null);
        PassOne.Result groupPass = PassOne.read(camel, JSON, config, dir, Entity.GROUPS, in(groupsFile), today, null, null);
        check(segments.problems() == 0 && groupPass.problems() == 0, "groups or segments have problems: " + groupPass.text());
        Set<String> groupIds = groupPass.ids();
        Set<String> segmentIds = segments.ids();

        System.out.printf(Locale.ROOT, "winningtemp pass one (parse + validate + diff), %,d users, %,d groups, max heap %d MiB%n",
                users, groups, Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "%-4s %10s %8s %10s %8s %12s %9s %9s %9s %9s %12s%n", "day", "rows", "seconds", "rows/s",
                "cpu s", "rows/cpu-s", "created", "updated", "removed", "file MiB", "peak heap");

        Path day1 = dir.resolve("wt_users.csv");
        writeUsers(day1, false);
        PassOne.Result first = measure("1", day1, () -> PassOne.read(camel, JSON, config, dir, Entity.USERS, in(day1), today, groupIds, segmentIds));
        check(first.problems() == 0 && first.structural() == null, "day 1 has problems: " + first.text().lines().limit(5).toList());
        check(first.created() == users && first.updated() == 0 && first.removed() == 0, "day 1 counts are wrong");
        first.promote(dir);

        writeUsers(day1, true);
        PassOne.Result second = measure("2", day1, () -> PassOne.read(camel, JSON, config, dir, Entity.USERS, in(day1), today, groupIds, segmentIds));
        int percent = users / 100;
        check(second.problems() == 0, "day 2 has problems");
        check(second.created() == percent && second.updated() == percent && second.removed() == percent,
                "day 2 should have " + percent + " of each change, has " + second.created() + "/" + second.updated() + "/" + second.removed());
        camel.stop();
        if (System.getProperty("bench.dir") == null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    interface Day {
        PassOne.Result read() throws Exception;
    }

    private PassOne.Result measure(String day, Path file, Day pass) throws Exception {
        System.gc();
        resetPeaks();
        // CPU time as well as wall time: on a machine shared with other builds the wall time says little
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long start = System.nanoTime();
        PassOne.Result result = pass.read();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.printf(Locale.ROOT, "%-4s %,10d %8.2f %,10.0f %8.2f %,12.0f %,9d %,9d %,9d %9.1f %8d MiB%n", day, result.rows(), seconds,
                result.rows() / seconds, cpu, result.rows() / cpu, result.created(), result.updated(), result.removed(),
                Files.size(file) / 1048576.0, peakHeap() >> 20);
        return result;
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new BenchFailure(problem);
        }
    }

    private static InputStream in(Path file) throws IOException {
        return new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks: an upper bound of the heap used at any one time. */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static void writeSegments(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("SegmentName;SegmentID\n");
            for (int s = 0; s < SEGMENTS; s++) {
                out.write("Segment " + s + ";s-" + s + "\n");
            }
        }
    }

    /** A tree: g-0 is the root, g-i's parent is g-(i/10). */
    private void writeGroups(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("Group name;GroupID;Parent groupID\n");
            for (int g = 0; g < groups; g++) {
                out.write("Group " + g + ";g-" + g + ";" + (g == 0 ? "" : "g-" + g / 10) + "\n");
            }
        }
    }

    /** Day two: the first 1% left, the next 1% changed their e-mail, 1% new users at the end. */
    private void writeUsers(Path file, boolean dayTwo) throws IOException {
        int percent = users / 100;
        try (BufferedWriter out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            out.write(USERS_HEADER);
            out.write('\n');
            int from = dayTwo ? percent : 0;
            int to = dayTwo ? users + percent : users;
            for (int u = from; u < to; u++) {
                boolean changed = dayTwo && u < 2 * percent;
                out.write("E" + u + ";Åsa;Öberg-" + u + ";user" + u + ";" + (changed ? "new." : "") + "user" + u + "@example.com;+46 70 "
                        + (1000000 + u) + ";Engineer;1985-0" + (1 + u % 9) + "-1" + (u % 9) + ";2015-03-01;;F;g-" + (u % groups) + ",g-"
                        + ((u * 7) % groups) + ";" + (u % 100 == 0 ? "g-" + (u % groups) : "") + ";s-" + (u % SEGMENTS) + ";"
                        + (u % 20 == 0 ? "Inactive" : "Active") + ";sv\n");
            }
        }
    }
}
