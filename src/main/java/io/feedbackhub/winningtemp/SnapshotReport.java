package io.feedbackhub.winningtemp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything wrong with one snapshot, file by file and line by line: what goes into
 * {@code error/<name>.report.txt} and into the run's error.
 */
final class SnapshotReport {

    /** A report lists this many problems of a file, then counts the rest (a garbage file is millions of them). */
    static final int MAX_LISTED = 10_000;

    private final Map<String, FileProblems> files = new LinkedHashMap<>();
    private final List<String> held = new ArrayList<>();

    private record Problem(int line, String text) {
    }

    private static final class FileProblems {
        final List<Problem> lines = new ArrayList<>();
        int count;
        boolean structural;
        int quarantined;
    }

    void structural(String file, int line, String problem) {
        FileProblems problems = of(file);
        problems.structural = true;
        add(problems, line, problem);
    }

    void row(String file, int line, String problem) {
        add(of(file), line, problem);
    }

    void quarantined(String file) {
        of(file).quarantined++;
    }

    /** The snapshot is fine but would do more than the guard allows. */
    void hold(String reason) {
        held.add(reason);
    }

    boolean hasProblems(String file) {
        FileProblems problems = files.get(file);
        return problems != null && problems.count > 0;
    }

    boolean rejects(String file, boolean quarantine) {
        FileProblems problems = files.get(file);
        return problems != null && (problems.structural || (!quarantine && problems.count > 0));
    }

    boolean isHeld() {
        return !held.isEmpty();
    }

    int problemCount(String file) {
        FileProblems problems = files.get(file);
        return problems == null ? 0 : problems.count;
    }

    private static void add(FileProblems problems, int line, String problem) {
        problems.count++;
        if (problems.lines.size() < MAX_LISTED) {
            problems.lines.add(new Problem(line, (line > 0 ? "line " + line + ": " : "") + problem));
        }
    }

    private FileProblems of(String file) {
        return files.computeIfAbsent(file, f -> new FileProblems());
    }

    String text(String verdict) {
        StringBuilder text = new StringBuilder("winningtemp snapshot ").append(verdict).append('\n');
        held.forEach(reason -> text.append("held: ").append(reason).append('\n'));
        files.forEach((file, problems) -> {
            if (problems.count == 0) {
                return;
            }
            text.append(file).append(": ").append(problems.count).append(problems.count == 1 ? " problem" : " problems");
            if (problems.quarantined > 0) {
                text.append(", ").append(problems.quarantined).append(" rows quarantined (dropped)");
            }
            text.append('\n');
            problems.lines.stream().sorted(java.util.Comparator.comparingInt(Problem::line))
                    .forEach(problem -> text.append("  ").append(problem.text()).append('\n'));
            if (problems.count > problems.lines.size()) {
                text.append("  ... and ").append(problems.count - problems.lines.size()).append(" more\n");
            }
        });
        return text.toString();
    }
}
