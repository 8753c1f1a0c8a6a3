package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SFTP server (Apache MINA SSHD) for the winningtemp connector, laid out as OpenSSH's
 * {@code internal-sftp} with a {@code ChrootDirectory} has it: key login only for user {@code hub},
 * its host key in a known_hosts file the hub is given; the session starts in {@code /home/hub}, not
 * in {@code /}; absolute paths are visible, but only {@code /home/hub} and {@code /upload} are
 * writable (a chroot directory belongs to root). The inbox is the hub's default, the login
 * directory, unless a subclass names another in {@link #directory()}. Tests drop files with {@link #drop}.
 */
public class WinningtempSftpServer implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "hub";
    /** The login's start directory, as the SFTP client sees it. */
    public static final String HOME = "/home/hub";
    /** The server's "/" on the local disk. */
    public static Path root;
    /** The inbox on the local disk. */
    public static Path inbox;
    public static Path knownHosts;
    public static String trustedKnownHosts;
    private static SshServer server;
    private Path keys;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("wt-sftp-");
            Path home = Files.createDirectories(root.resolve(HOME.substring(1)));
            Files.createDirectories(root.resolve("upload"));
            String directory = directory();
            inbox = Files.createDirectories(directory.startsWith("/") ? root.resolve(directory.substring(1)) : home.resolve(directory));
            keys = Files.createTempDirectory("wt-keys-");
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair hostKey = generator.generateKeyPair();
            KeyPair userKey = generator.generateKeyPair();
            Path privateKey = keys.resolve("id_rsa");
            Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(userKey.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");

            server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
            server.setPasswordAuthenticator(null);
            server.setKeyboardInteractiveAuthenticator(null);
            server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, userKey.getPublic()));
            server.setSubsystemFactories(List.of(new OpenSshLikeSftp()));
            server.setFileSystemFactory(new VirtualFileSystemFactory(root));
            server.start();

            knownHosts = keys.resolve("known_hosts");
            trustedKnownHosts = "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n";
            Files.writeString(knownHosts, trustedKnownHosts);

            Map<String, String> config = new HashMap<>();
            config.put("hub.winningtemp.enabled", "true");
            config.put("hub.winningtemp.schedule", "0 0 4 1 1 ? 2099");
            config.put("hub.winningtemp.sftp.host", "127.0.0.1");
            config.put("hub.winningtemp.sftp.port", String.valueOf(server.getPort()));
            config.put("hub.winningtemp.sftp.username", USER);
            config.put("hub.winningtemp.sftp.private-key-file", privateKey.toString());
            config.put("hub.winningtemp.sftp.known-hosts-file", knownHosts.toString());
            if (!directory.equals(".")) {
                config.put("hub.winningtemp.sftp.directory", directory);
            }
            config.put("hub.winningtemp.min-age", "10s");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the SFTP server", e);
        }
    }

    /** The inbox the hub is given: "." (the default) is the login directory. */
    protected String directory() {
        return ".";
    }

    /** Puts a file in the inbox as a finished upload: written an hour ago. */
    public static void drop(String name, String content) {
        drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void drop(String name, byte[] content) {
        try {
            Path file = inbox.resolve(name);
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.stop(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TestFiles.deleteTree(root);
            TestFiles.deleteTree(keys);
        }
    }

    /**
     * The SFTP subsystem as OpenSSH runs it: relative paths start from {@link #HOME} (SSHD would start
     * from its file system's root), and writes outside the writable folders are refused.
     */
    private static final class OpenSshLikeSftp extends SftpSubsystemFactory {

        OpenSshLikeSftp() {
            setFileSystemAccessor(new ReadOnlyOutsideHome());
        }

        @Override
        public Command createSubsystem(ChannelSession channel) throws IOException {
            return new SftpSubsystem(channel, this) {
                @Override
                public void setFileSystem(FileSystem fileSystem) {
                    super.setFileSystem(fileSystem);
                    defaultDir = fileSystem.getPath(HOME);
                }
            };
        }
    }

    /** The chroot directory and its folders belong to root: the login may write only in its home and in /upload. */
    private static final class ReadOnlyOutsideHome implements SftpFileSystemAccessor {

        private static void writable(Path path) throws AccessDeniedException {
            Path absolute = path.toAbsolutePath().normalize();
            if (!absolute.startsWith(absolute.getFileSystem().getPath(HOME)) && !absolute.startsWith(absolute.getFileSystem().getPath("/upload"))) {
                throw new AccessDeniedException(absolute.toString(), null, "Permission denied");
            }
        }

        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle handle, Path file, String handleId,
                Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
            if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
                writable(file);
            }
            return SftpFileSystemAccessor.super.openFile(subsystem, handle, file, handleId, options, attrs);
        }

        @Override
        public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
            writable(path);
            SftpFileSystemAccessor.super.createDirectory(subsystem, path);
        }

        @Override
        public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts) throws IOException {
            writable(oldPath);
            writable(newPath);
            SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
        }

        @Override
        public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
            writable(path);
            SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
        }
    }
}
