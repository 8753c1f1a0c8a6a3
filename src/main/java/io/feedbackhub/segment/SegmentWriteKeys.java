package io.feedbackhub.segment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The write keys clients may use, checked in constant time: from HTTP Basic (username part,
 * Segment's own clients) before the body is read, or, as analytics-java 3.4-3.5.4 sends it, from
 * the body's {@code writeKey}.
 */
@ApplicationScoped
public class SegmentWriteKeys {

    private final List<byte[]> keys;

    @Inject
    public SegmentWriteKeys(SegmentConfig config) {
        this.keys = config.writeKeys().orElse(List.of()).stream().map(key -> key.trim().getBytes(StandardCharsets.UTF_8)).toList();
    }

    static boolean isBasic(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    }

    /**
     * Checks the Basic username if the header is Basic auth, else the body's key (null when the
     * body was not read, or holds none); throws a 401 unless it is a known key.
     */
    void check(String authorization, String bodyKey) {
        String key = bodyKey;
        if (isBasic(authorization)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                key = colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                throw new SegmentRejected(401, "the Authorization header is not valid Basic auth");
            }
        }
        if (key == null || key.isEmpty()) {
            throw new SegmentRejected(401, "no write key: send it as the Basic auth username or as writeKey in the body");
        }
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] configured : keys) {
            // compares every key in full, so the time taken says nothing about which one nearly matched
            known |= MessageDigest.isEqual(configured, given);
        }
        if (!known) {
            throw new SegmentRejected(401, "unknown write key");
        }
    }
}
