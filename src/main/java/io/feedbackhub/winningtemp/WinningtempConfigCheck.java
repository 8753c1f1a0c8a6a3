package io.feedbackhub.winningtemp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
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
            if (entity.header(config).size() != entity.fields().size()) {
                problems.add("hub.winningtemp." + entity.label() + ".columns", "must name " + entity.fields().size()
                        + " columns (in file order, for " + String.join(", ", entity.fields()) + "), not " + entity.header(config).size());
            }
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

    private static void readable(String key, Optional<Path> file, String why, ConfigProblems problems) {
        if (file.isEmpty()) {
            problems.add(key, "is required when hub.winningtemp.enabled=true: " + why);
        } else if (!Files.isReadable(file.get())) {
            problems.add(key, "cannot read " + file.get().toAbsolutePath());
        }
    }
}
