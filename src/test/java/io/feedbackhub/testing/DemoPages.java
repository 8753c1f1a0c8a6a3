package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the input pages the demo test connector reads: page-N.json, a JSON array of records. */
public final class DemoPages {

    private final Path dir;

    public DemoPages(Path dir) {
        this.dir = dir;
    }

    /** Page n holds records {@code <n>-1 .. <n>-size}, each with a name and a version. */
    public List<String> write(int page, int size, int version) {
        List<String> ids = new ArrayList<>();
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i <= size; i++) {
            String id = page + "-" + i;
            ids.add(id);
            json.append(i > 1 ? "," : "").append("{\"id\":\"").append(id).append("\",\"name\":\"Item ").append(id)
                    .append(" – ünïcode\",\"version\":").append(version).append('}');
        }
        writeRaw(page, json.append(']').toString());
        return ids;
    }

    public void writeRaw(int page, String content) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("page-" + page + ".json"), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** dead-N.json: records of page n that the demo connector sends to demo_dead_letters. */
    public void writeDeadLetters(int page, String... ids) {
        StringBuilder json = new StringBuilder("[");
        for (String id : ids) {
            json.append(json.length() > 1 ? "," : "").append("{\"id\":\"").append(id).append("\",\"reason\":\"no e-mail\"}");
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("dead-" + page + ".json"), json.append(']').toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void clear() {
        TestFiles.deleteTree(dir);
    }
}
