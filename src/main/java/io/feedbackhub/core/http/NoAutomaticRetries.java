package io.feedbackhub.core.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * Apache HttpClient retries a 429 or 503 by itself by default; Camel's error handler is the one
 * place that decides about retries (and counts them), so the client's own are switched off.
 */
@ApplicationScoped
@Named("noAutomaticRetries")
public class NoAutomaticRetries implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
