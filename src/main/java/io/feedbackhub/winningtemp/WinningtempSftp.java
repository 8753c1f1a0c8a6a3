package io.feedbackhub.winningtemp;

import java.io.File;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.component.file.remote.RemoteFileOperations;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.support.DefaultExchange;

import io.feedbackhub.core.config.HubConfig;

/**
 * The {@code sftp:} endpoints of the pickup, built from {@code hub.winningtemp.sftp.*}. Built here,
 * not written in the route file, because the completeness rule changes their options: a done file
 * when {@code hub.winningtemp.done-file} is set, otherwise a read lock that waits for the file to
 * stop changing and reach a minimum age.
 *
 * <p>Every endpoint names the inbox by a path relative to the login's start directory, as
 * camel-ftp wants it: it drops the leading '/' of an absolute directory, and with no directory at
 * all the consumer's files look like {@code /wt_users.csv}, so {@code move=archive/...} becomes
 * {@code /archive}, outside the inbox (on OpenSSH, where the login does not start at '/', a
 * directory that cannot be made). The default inbox {@code .} is the start directory itself; an
 * absolute inbox is made relative to it, which only the server knows: {@link #inboxPath} asks it
 * once per run.
 */
@ApplicationScoped
@Named("winningtempSftp")
public class WinningtempSftp {

    static final String ARCHIVE = "archive";
    static final String ERROR = "error";
    /** The run's inbox as the endpoints name it ({@link #inboxPath}), an exchange property. */
    static final String INBOX = "winningtempInbox";

    @Inject
    WinningtempConfig config;

    @Inject
    HubConfig hub;

    @Inject
    CamelContext camel;

    /**
     * The inbox relative to the login's start directory: {@code .}, a relative inbox as configured,
     * or an absolute one made relative to the start directory the server reports (such as
     * {@code ../../upload/winningtemp} for {@code /upload/winningtemp} from {@code /home/hub}).
     */
    public String inboxPath() {
        String directory = config.sftp().directory().trim();
        if (!directory.startsWith("/")) {
            String relative = directory.replaceAll("/+$", "");
            return relative.isEmpty() ? "." : relative;
        }
        String relative = Path.of(loginDirectory()).relativize(Path.of(directory)).toString().replace(File.separatorChar, '/');
        return relative.isEmpty() ? "." : relative;
    }

    /** Where the login starts, as the server says (SFTP realpath of "."), through camel-ftp's own connection. */
    private String loginDirectory() {
        SftpEndpoint endpoint = camel.getEndpoint(base(".", ""), SftpEndpoint.class);
        RemoteFileOperations<SftpRemoteFile> operations = endpoint.createRemoteFileOperations();
        try {
            if (!operations.connect(endpoint.getConfiguration(), new DefaultExchange(camel))) {
                throw new IllegalStateException("winningtemp: cannot log in to the SFTP server to find the inbox "
                        + config.sftp().directory());
            }
            String home = operations.getCurrentDirectory();
            if (home == null || !home.startsWith("/")) {
                throw new IllegalStateException("winningtemp: the SFTP server did not tell the login's directory (got '" + home
                        + "'), so the absolute inbox " + config.sftp().directory() + " cannot be reached; give it relative to the login");
            }
            return home;
        } finally {
            operations.disconnect();
        }
    }

    /** The consumer of one snapshot file: fetched to a local work file, archived or moved to error/ when the run ends. */
    public String inbox(String entity, String inbox) {
        Entity kind = Entity.valueOf(entity.toUpperCase(java.util.Locale.ROOT));
        StringBuilder uri = new StringBuilder(base(inbox, ""))
                .append("&fileName=").append(raw(kind.fileName(config)))
                .append("&localWorkDirectory=").append(raw(hub.dataDir().resolve("winningtemp").resolve("download").toAbsolutePath().toString()))
                .append("&binary=true&disconnect=true")
                // a failed connection or host key check fails the run instead of looking like an empty inbox
                .append("&throwExceptionOnConnectFailed=true&bridgeErrorHandler=true")
                // relative to the file's folder, the inbox
                .append("&move=").append(raw(ARCHIVE + "/${exchangeProperty." + WinningtempPickup.STAMP + "}-${file:name}"))
                .append("&moveFailed=").append(raw(ERROR + "/${exchangeProperty." + WinningtempPickup.STAMP + "}-${file:name}"))
                // camel-ftp only logs a move that fails: the run must hear of it
                .append("&onCompletionExceptionHandler=#").append(WinningtempMoves.NAME);
        if (config.doneFile().isPresent()) {
            uri.append("&doneFileName=").append(raw("${file:name}" + config.doneFile().get()));
        } else {
            uri.append("&exclusiveReadLockStrategy=#").append(WinningtempReadLock.NAME);
        }
        return uri.toString();
    }

    /** Where the reports of rejected files go. */
    public String errors(String inbox) {
        return base(inbox, ERROR);
    }

    /** Where the reports of quarantined rows go, beside the archived files. */
    public String archive(String inbox) {
        return base(inbox, ARCHIVE);
    }

    /** A folder of the inbox ({@link #inboxPath}), or the inbox itself. */
    private String base(String inbox, String folder) {
        WinningtempConfig.Sftp sftp = config.sftp();
        StringBuilder uri = new StringBuilder("sftp://").append(sftp.host().orElse("localhost")).append(':').append(sftp.port())
                .append('/').append(inbox).append(folder.isEmpty() ? "" : "/" + folder)
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
