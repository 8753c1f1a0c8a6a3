package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SFTP server (Apache MINA SSHD) for the winningtemp connector: key login only for user
 * {@code hub}, its host key in a known_hosts file the hub is given, the inbox {@code inbox/} under a
 * temporary root. Tests drop files with {@link #drop}.
 */
public class WinningtempSftpServer implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "hub";
    public static Path root;
    public static Path inbox;
    public static Path knownHosts;
    public static String trustedKnownHosts;
    private static SshServer server;
    private Path keys;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("wt-sftp-");
            inbox = Files.createDirectories(root.resolve("inbox"));
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
            server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
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
            config.put("hub.winningtemp.sftp.directory", "inbox");
            config.put("hub.winningtemp.min-age", "10s");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the SFTP server", e);
        }
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
}
