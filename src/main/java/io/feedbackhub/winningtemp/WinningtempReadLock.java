package io.feedbackhub.winningtemp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;
import org.apache.camel.component.file.remote.strategy.SftpChangedExclusiveReadLockStrategy;

import com.jcraft.jsch.ChannelSftp;

/**
 * camel-ftp's {@code readLock=changed} (a file is taken once it has stopped changing and is
 * {@code hub.winningtemp.min-age} old; a run waits for that at most min-age plus 5 s), which also
 * tells the run about each file it left, with its age: camel-ftp itself only logs it.
 */
@Singleton
@Named(WinningtempReadLock.NAME)
public class WinningtempReadLock extends SftpChangedExclusiveReadLockStrategy {

    static final String NAME = "winningtempReadLock";

    private final Duration minAge;
    private final Queue<String> left = new ConcurrentLinkedQueue<>();

    @Inject
    WinningtempReadLock(WinningtempConfig config) {
        minAge = config.minAge();
        // an empty file is taken, to be rejected as an empty snapshot
        setMinLength(0);
        setMinAge(minAge.toMillis());
        setCheckInterval(1000);
        setTimeout(Math.max(5000, minAge.toMillis() + 5000));
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<ChannelSftp.LsEntry> operations, GenericFile<ChannelSftp.LsEntry> file,
            Exchange exchange) throws Exception {
        if (super.acquireExclusiveReadLock(operations, file, exchange)) {
            return true;
        }
        long age = Duration.between(Instant.ofEpochMilli(lastModified(operations, file)), Instant.now()).toSeconds();
        left.add(file.getFileNameOnly() + ": changed " + age + " s ago, waiting for " + minAge.toSeconds()
                + " s (hub.winningtemp.min-age); left in the inbox for a later run");
        return false;
    }

    /** The file's modification time now: it kept changing while the lock waited. */
    @SuppressWarnings({ "rawtypes", "unchecked" })
    private static long lastModified(GenericFileOperations<ChannelSftp.LsEntry> operations, GenericFile<ChannelSftp.LsEntry> file) {
        try {
            // raw: camel-ftp lists SftpRemoteFile objects, whatever this strategy's type parameter says
            for (Object entry : ((GenericFileOperations) operations).listFiles(file.getParent())) {
                if (entry instanceof SftpRemoteFile<?> remote && remote.getFilename().equals(file.getFileNameOnly())) {
                    return remote.getLastModified();
                }
            }
        } catch (RuntimeException e) {
            // the listing's time will do
        }
        return file.getLastModified();
    }

    /** The files left since the last call, one line each. */
    List<String> takeLeft() {
        List<String> taken = new ArrayList<>();
        for (String note = left.poll(); note != null; note = left.poll()) {
            taken.add(note);
        }
        return taken;
    }
}
