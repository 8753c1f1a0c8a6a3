package io.feedbackhub.qualtrics;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Qualtrics' webhook signature (shared/docs §9.3): {@code HMAC} is the lowercase hex
 * HMAC-SHA512 of the URL-decoded {@code MSG} with the subscription's shared key. The JDK's Mac
 * computes it; the comparison is constant-time ({@link MessageDigest#isEqual}).
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    public static String sign(String sharedKey, String msg) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(sharedKey.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return HexFormat.of().formatHex(mac.doFinal(msg.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is not available", e);
        }
    }

    /** Throws 400 for a missing or malformed signature, 403 for one that does not match. */
    public static void verify(String sharedKey, String msg, String hmac) {
        if (hmac == null || !hmac.matches("[0-9a-fA-F]{128}")) {
            throw new WebhookRefused(400, "HMAC must be 128 hex characters (HMAC-SHA512 of MSG)");
        }
        byte[] expected = HexFormat.of().parseHex(sign(sharedKey, msg));
        if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(hmac))) {
            throw new WebhookRefused(403, "HMAC does not match MSG signed with hub.qualtrics.webhook.shared-key");
        }
    }
}
