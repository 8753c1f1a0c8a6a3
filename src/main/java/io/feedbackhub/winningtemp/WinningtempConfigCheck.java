package io.feedbackhub.winningtemp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.feedbackhub.core.config.ConfigProblems;
import io.feedbackhub.core.config.ConnectorConfigCheck;

/** What the winningtemp connector needs before it may start. */
@ApplicationScoped
public class WinningtempConfigCheck implements ConnectorConfigCheck {

    @Inject
    WinningtempConfig config;

    @Override
    public String connector() {
        return WinningtempPickup.CONNECTOR;
    }

    @Override
    public void check(ConfigProblems problems) {
        WinningtempConfig.Sftp sftp = config.sftp();
        if (sftp.host().filter(h -> !h.isBlank()).isEmpty()) {
            problems.add("hub.winningtemp.sftp.host", "is required when hub.winningtemp.enabled=true");
        }
        if (sftp.port() < 1 || sftp.port() > 65535) {
            problems.add("hub.winningtemp.sftp.port", "must be a port number (1-65535), not " + sftp.port());
        }
        if (sftp.username().filter(u -> !u.isBlank()).isEmpty()) {
            problems.add("hub.winningtemp.sftp.username", "is required when hub.winningtemp.enabled=true");
        }
        readable("hub.winningtemp.sftp.private-key-file", sftp.privateKeyFile(), "the SFTP login is by private key only", problems);
        readable("hub.winningtemp.sftp.known-hosts-file", sftp.knownHostsFile(),
                "the server's host key is checked against it (ssh-keyscan -p PORT HOST > known_hosts, then verify it)", problems);
        for (Entity entity : Entity.values()) {
            String name = entity.fileName(config);
            String key = "hub.winningtemp.files." + entity.label();
            if (name.isBlank() || name.contains("/") || name.contains("\\")) {
                problems.add(key, "must be a plain file name, not '" + name + "'");
            }
            checkColumns(entity, problems);
        }
        long distinct = java.util.Arrays.stream(Entity.values()).map(e -> e.fileName(config)).distinct().count();
        if (distinct < Entity.values().length) {
            problems.add("hub.winningtemp.files.users", "users, groups and segments need three different file names");
        }
        if (config.listSeparator().isEmpty() || config.listSeparator().contains(";")) {
            problems.add("hub.winningtemp.list-separator", "must be a non-empty text other than ';' (the column separator)");
        }
        try {
            DateTimeFormatter.ofPattern(config.dateFormat());
        } catch (IllegalArgumentException e) {
            problems.add("hub.winningtemp.date-format", "is not a date pattern ('" + config.dateFormat() + "': " + e.getMessage() + ")");
        }
        if (config.statuses().stream().allMatch(String::isBlank)) {
            problems.add("hub.winningtemp.statuses", "must name at least one status");
        }
        if (config.maxRemovalPercent() < 0 || config.maxRemovalPercent() > 100) {
            problems.add("hub.winningtemp.max-removal-percent", "must be 0-100, not " + config.maxRemovalPercent());
        }
        if (config.maxFieldLength() < 1) {
            problems.add("hub.winningtemp.max-field-length", "must be at least 1");
        }
        if (config.minAge().isNegative()) {
            problems.add("hub.winningtemp.min-age", "must not be negative");
        }
        config.doneFile().filter(done -> done.isBlank() || done.contains("/"))
                .ifPresent(done -> problems.add("hub.winningtemp.done-file", "must be a file name suffix such as .done, not '" + done + "'"));
    }

    /** Each field has its own header name, one a header line can hold. */
    private void checkColumns(Entity entity, ConfigProblems problems) {
        String old = "hub.winningtemp." + entity.label() + ".columns";
        problems.optional(old).ifPresent(value -> problems.add(old, "is replaced by one key per field, the columns being found by"
                + " name in any order: " + entity.columnKey(entity.fields().get(0)) + "=<header name>, and so on for "
                + String.join(", ", entity.fields().stream().skip(1).map(f -> f.replace('_', '-')).toList())));
        List<String> header = entity.header(config);
        Map<String, String> keyOf = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String key = entity.columnKey(entity.fields().get(i));
            String name = header.get(i);
            if (name.isEmpty() || name.contains(";") || name.contains("\"")) {
                problems.add(key, "must be a header name without ';' or '\"', not '" + name + "'");
            }
            String other = keyOf.putIfAbsent(name.toLowerCase(Locale.ROOT), key);
            if (other != null) {
                problems.add(key, "names the same column as " + other + " ('" + name + "'): each field needs its own column");
            }
        }
    }

    private static void readable(String key, Optional<Path> file, String why, ConfigProblems problems) {
        if (file.isEmpty()) {
            problems.add(key, "is required when hub.winningtemp.enabled=true: " + why);
        } else if (!Files.isReadable(file.get())) {
            problems.add(key, "cannot read " + file.get().toAbsolutePath());
        }
    }
}
