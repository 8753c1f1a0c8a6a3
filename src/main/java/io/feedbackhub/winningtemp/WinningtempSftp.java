package io.feedbackhub.winningtemp;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.feedbackhub.core.config.HubConfig;

/**
 * The {@code sftp:} endpoints of the pickup, built from {@code hub.winningtemp.sftp.*}. Built here,
 * not written in the route file, because the completeness rule changes their options: a done file
 * when {@code hub.winningtemp.done-file} is set, otherwise a read lock that waits for the file to
 * stop changing and reach a minimum age.
 */
@ApplicationScoped
@Named("winningtempSftp")
public class WinningtempSftp {

    static final String ARCHIVE = "archive";
    static final String ERROR = "error";

    @Inject
    WinningtempConfig config;

    @Inject
    HubConfig hub;

    /** The consumer of one snapshot file: fetched to a local work file, archived or moved to error/ when the run ends. */
    public String inbox(String entity) {
        Entity kind = Entity.valueOf(entity.toUpperCase(java.util.Locale.ROOT));
        StringBuilder uri = new StringBuilder(base(""))
                .append("&fileName=").append(raw(kind.fileName(config)))
                .append("&localWorkDirectory=").append(raw(hub.dataDir().resolve("winningtemp").resolve("download").toAbsolutePath().toString()))
                .append("&binary=true&disconnect=true")
                // a failed connection or host key check fails the run instead of looking like an empty inbox
                .append("&throwExceptionOnConnectFailed=true&bridgeErrorHandler=true")
                .append("&move=").append(raw(ARCHIVE + "/${exchangeProperty." + WinningtempPickup.STAMP + "}-${file:name}"))
                .append("&moveFailed=").append(raw(ERROR + "/${exchangeProperty." + WinningtempPickup.STAMP + "}-${file:name}"));
        if (config.doneFile().isPresent()) {
            uri.append("&doneFileName=").append(raw("${file:name}" + config.doneFile().get()));
        } else {
            Duration age = config.minAge();
            uri.append("&readLock=changed&readLockMinLength=0&readLockMinAge=").append(age.toMillis())
                    .append("&readLockCheckInterval=1000&readLockTimeout=").append(Math.max(5000, age.toMillis() + 5000));
        }
        return uri.toString();
    }

    /** Where the reports of rejected files go. */
    public String errors() {
        return base(ERROR);
    }

    /** Where the reports of quarantined rows go, beside the archived files. */
    public String archive() {
        return base(ARCHIVE);
    }

    /** The inbox directory, or a folder inside it; relative to the SFTP user's home (Camel drops a leading '/'). */
    private String base(String folder) {
        WinningtempConfig.Sftp sftp = config.sftp();
        String directory = sftp.directory().replaceAll("^[/.]+$|^/+|/+$", "");
        String path = directory.isEmpty() ? folder : folder.isEmpty() ? directory : directory + "/" + folder;
        StringBuilder uri = new StringBuilder("sftp://").append(sftp.host().orElse("localhost")).append(':').append(sftp.port())
                .append(path.isEmpty() ? "" : "/" + path)
                .append("?username=").append(raw(sftp.username().orElse("")))
                .append("&privateKeyFile=").append(raw(sftp.privateKeyFile().map(Object::toString).orElse("")))
                .append("&knownHostsFile=").append(raw(sftp.knownHostsFile().map(Object::toString).orElse("")))
                // the host key must be the one in known_hosts: no silent trust, no ~/.ssh fallback
                .append("&strictHostKeyChecking=yes&useUserKnownHostsFile=false&autoCreateKnownHostsFile=false")
                .append("&connectTimeout=10000&soTimeout=60000");
        sftp.privateKeyPassphrase().ifPresent(passphrase -> uri.append("&privateKeyPassphrase=").append(raw(passphrase)));
        return uri.toString();
    }

    /** A value Camel takes as it is (no URL decoding); RAW{} when the value holds a ')'. */
    private static String raw(String value) {
        return value.indexOf(')') < 0 ? "RAW(" + value + ")" : "RAW{" + value + "}";
    }
}
