package io.feedbackhub.core.config;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Masks secret {@code hub.*} values in every log line, whoever writes it: an outside system's
 * error text, a Camel error handler's report of it, or our own messages. A stack trace whose
 * messages hold a secret is replaced by its masked messages.
 */
@LoggingFilter(name = "hub-secrets")
public final class SecretLogFilter implements Filter {

    private volatile List<String> secrets;

    @Override
    public boolean isLoggable(LogRecord record) {
        List<String> values = secrets();
        if (values.isEmpty() || !(record instanceof ExtLogRecord ext)) {
            return true;
        }
        String message = ext.getFormattedMessage();
        String masked = SecretMasker.mask(message, values);
        if (message != null && !message.equals(masked)) {
            ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
            ext.setParameters(null);
        }
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringBuilder causes = new StringBuilder();
            for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
                causes.append(causes.isEmpty() ? "" : "; caused by ").append(t);
            }
            String maskedCauses = SecretMasker.mask(causes.toString(), values);
            if (!maskedCauses.contentEquals(causes)) {
                record.setThrown(null);
                ext.setMessage(ext.getFormattedMessage() + " [" + maskedCauses + "]", ExtLogRecord.FormatStyle.NO_FORMAT);
            }
        }
        return true;
    }

    private List<String> secrets() {
        List<String> known = secrets;
        if (known == null) {
            try {
                known = SecretMasker.secretValues(ConfigProvider.getConfig());
            } catch (RuntimeException configNotReadyYet) {
                return List.of();
            }
            if (!known.isEmpty()) {
                secrets = known;
            }
        }
        return known;
    }
}
