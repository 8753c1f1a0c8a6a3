package io.feedbackhub.testing;

import static io.restassured.RestAssured.given;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests to the hub's management port (where /q/* and /hub/* live) in a {@code @QuarkusTest}. */
public final class Management {

    private Management() {
    }

    public static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    }

    /** A request as an operator's client sends one: with the hub's management token if it has one. */
    public static RequestSpecification request() {
        RequestSpecification request = anonymous();
        ConfigProvider.getConfig().getOptionalValue("hub.management.token", String.class).filter(token -> !token.isBlank())
                .ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return request;
    }

    /**
     * A request without any credential. JSON by default: RestAssured would give a POST without a body
     * the form content type, which the management port refuses (415) as a cross-site form could send it.
     */
    public static RequestSpecification anonymous() {
        return given().baseUri("http://127.0.0.1").port(port()).contentType(ContentType.JSON);
    }
}
